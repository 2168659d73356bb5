"""Codecs for files people fill in and bring back: the collection workbook
(``sheet_xlsx``: written by `xatrack sheet`, read by `xatrack ingest`).

Documents xatrack only writes (the bulletin, 催办单) are views (``xatrack.views``).
"""
