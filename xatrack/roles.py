"""Who reports what: the lead unit's figure is the item's figure.

An entry whose reporter (``by``, resolved through the directory) is a
responsible unit of an item but not one of its lead units -- a town of
各乡镇办场 reporting its own 8 公里 of a district road programme -- is a
*contribution* (分项报送): recorded and shown, never the item's figure or
status. Entries by a lead unit, or by a reporter that is not a unit of the
item (the supervision office, a person), set the item's figure. An item
that names no lead unit is reported by its responsible units.

Pure: the directory in, answers out.
"""

from __future__ import annotations

from xatrack.model import Item


class Roles:
    """Answers "is this entry a contribution?" for a directory, remembering
    what it has worked out (an evaluation asks once per item and reporter)."""

    def __init__(self, directory):
        self.directory = directory
        self._canon: dict[str, str] = {}
        self._answers: dict[tuple[str, str], bool] = {}

    def canonical(self, by: str) -> str:
        """The canonical unit a reporter names (别名 merged), or the text itself."""
        name = self._canon.get(by)
        if name is None:
            text = (by or "").strip()
            name = self.directory.canonical_unit(text) if text and self.directory.knows_unit(text) else text
            self._canon[by] = name
        return name

    def is_contribution(self, item: Item, by: str) -> bool:
        if not by or not item.units or not item.lead:
            return False
        key = (item.id, by)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._decide(item, self.canonical(by))
            self._answers[key] = answer
        return answer

    def role(self, item: Item, by: str) -> str:
        """'牵头' (lead), '责任' (a contribution) or '' (the office, a person, another unit)."""
        name = self.canonical(by)
        if name and item.lead and self._names(name, item.lead):
            return "牵头"
        if self.is_contribution(item, by):
            return "责任"
        return ""

    def _decide(self, item: Item, name: str) -> bool:
        if not name:
            return False
        if self._names(name, item.lead):
            return False
        return self._names(name, item.units)

    def _names(self, name: str, names) -> bool:
        return names_unit(self.directory, name, names)


def names_unit(directory, name: str, names) -> bool:
    """Whether ``names`` (as the document writes them) include the unit
    ``name`` (canonical), directly, by alias or through a group (各乡镇办场)."""
    is_group = directory.is_group(name)
    for raw in names:
        canon = directory.canonical_unit(raw)
        if canon == name:
            return True
        if not is_group and directory.is_group(canon) and name in directory.members(canon):
            return True
    return False
