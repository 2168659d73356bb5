"""What `xatrack list` and `xatrack overdue` print, free of Typer: the Typer
commands (cli.py) and the quick path (quick.py) both call these, so the only
thing that differs between the two ways in is how the flags are read.
"""

from __future__ import annotations

from xatrack.errors import InputError


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    key = value.strip().lower()
    if key in ("table", "terminal", "txt", "text"):
        key = "term"
    if key not in allowed:
        raise InputError(f"--format 的值\"{value}\"无效:应为 {'、'.join(allowed)}")
    return key


def list_text(filters, quarter, fmt: str, root, warn) -> str:
    """`xatrack list`: the selected items of the quarter, as a table, JSON or CSV."""
    from xatrack import api

    fmt = check_format(fmt, ("term", "json", "csv"))
    listed = api.list_items(root, filters=filters, quarter=quarter, warn=warn, lines=fmt == "term")
    return _text(listed.statuses, fmt, lambda table, term: table.render_list(term, listed.statuses, listed.title))


def overdue_text(filters, quarter, by, fmt: str, root, warn) -> str:
    """`xatrack overdue`: the items behind or not reported, worst first (grouped with ``by``)."""
    from xatrack import api

    fmt = check_format(fmt, ("term", "json", "csv"))
    api.check_grouping(by)
    found = api.overdue(root, filters=filters, quarter=quarter, by=by, warn=warn, lines=fmt == "term")
    return _text(found.statuses, fmt, lambda table, term: table.render_overdue(term, found.statuses, found.title, found.groups))


def _text(statuses, fmt: str, render_term) -> str:
    """json, csv (of whole statuses), or the plain item table (views/table.py: no rich, so quick;
    of evaluate.ItemLine)."""
    if fmt == "json":
        from xatrack.views.data import render_json

        return render_json(statuses)
    if fmt == "csv":
        from xatrack.views.data import render_csv

        return render_csv(statuses)
    from xatrack.views import table

    return table.text(render_term(table, table.Terminal.detect()))
