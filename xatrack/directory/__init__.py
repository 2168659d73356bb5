"""Units and leaders: canonical names, aliases, groups, and the matching every query goes through.

``tasks.yaml`` keeps names exactly as the document writes them (区财政局(国资局),
区交通局, 各乡镇办场 …). This directory is applied when querying, never by
rewriting the record:

* an alias is folded into its canonical name (区交通局 -> 区交通运输局);
* a group stands for its members (各乡镇办场 -> every town, street office and
  the farm), so staff of 桂花镇 asking for their tasks also get every task
  assigned to 各乡镇办场;
* what a user types is resolved once (exact, alias, substring, pinyin) into a
  ``UnitQuery`` / ``LeaderQuery`` whose ``matches`` is then asked per item.

Pure, except that ``parse_directory`` takes the text of a ``units.yaml``.
``pypinyin`` is imported only when a query contains Latin letters.

The package, along its seams: ``index`` (the types, the Directory and its
lookup tables, the queries), ``names`` (resolution: aliases, prefixes,
pinyin, suggestions) and ``reader`` (units.yaml -> Directory and problems).
"""

from xatrack.directory.index import Directory, Group, Leader, LeaderQuery, Unit, UnitQuery
from xatrack.directory.names import COLLECTIVE, LEADER_TYPES, MAX_CANDIDATES, PERSON, POST, normalize_name
from xatrack.directory.reader import parse_directory

__all__ = [
    "COLLECTIVE", "Directory", "Group", "LEADER_TYPES", "Leader", "LeaderQuery", "MAX_CANDIDATES", "PERSON", "POST",
    "Unit", "UnitQuery", "normalize_name", "parse_directory",
]
