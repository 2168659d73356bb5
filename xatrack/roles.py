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

from xatrack.model import OFFICE_NAMES, Item

# What an entry's reporter is to an item (Roles.kind).
LEAD = "lead"  # the first-listed lead unit (汇总单位): its figure is the item's
CO_LEAD = "co-lead"  # another lead unit: its own reporting state; its figure stands only when the first has none
RESPONSIBLE = "responsible"  # a responsible unit's own part (分项报送): shown, never the figure
OFFICE = "office"  # the supervision office: verifies the figure, never a unit's report
OUTSIDE = "outside"  # a unit of the directory that is on neither list (a wrong item number): flagged, never the figure
OTHER = "other"  # a name the directory does not know: its figure counts, as the office's would


class Roles:
    """Answers "is this entry a contribution?" for a directory, remembering
    what it has worked out (an evaluation asks once per item and reporter)."""

    def __init__(self, directory):
        self.directory = directory
        self._canon: dict[str, str] = {}
        self._answers: dict[tuple[str, str], bool] = {}
        self._kinds: dict[tuple, str] = {}
        self._leads: dict[tuple, tuple[str, ...]] = {}
        self._is: dict[tuple[str, str], bool] = {}

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

    def kind(self, item: Item, by: str, office=OFFICE_NAMES) -> str:
        """LEAD, CO_LEAD, RESPONSIBLE, OFFICE, OUTSIDE or OTHER (see above)."""
        key = (item.id, by, office)
        answer = self._kinds.get(key)
        if answer is None:
            answer = self._kind(item, by, office)
            self._kinds[key] = answer
        return answer

    def _kind(self, item: Item, by: str, office) -> str:
        raw = (by or "").strip()
        name = self.canonical(by)
        if raw in office or name in office:
            return OFFICE
        if not name:
            return OTHER
        if item.lead:
            if self._names(name, item.lead[:1]):
                return LEAD
            if self._names(name, item.lead):
                return CO_LEAD
            if item.units and self._names(name, item.units):
                return RESPONSIBLE
        elif item.units and self._names(name, item.units):
            return LEAD  # an item without a lead unit is reported by its responsible units
        return OUTSIDE if self.directory.knows_unit(name) else OTHER

    def lead_units(self, item: Item) -> tuple[str, ...]:
        """The item's lead units as the directory names them, in the document's order."""
        found = self._leads.get(item.lead)
        if found is None:
            found = self._leads[item.lead] = tuple(dict.fromkeys(self.directory.canonical_unit(n) for n in item.lead))
        return found

    def is_unit(self, unit: str, by: str) -> bool:
        """Whether the reporter ``by`` is the (canonical) unit ``unit`` or a member of that group."""
        if not by:
            return False
        key = (unit, by)
        answer = self._is.get(key)
        if answer is None:
            answer = self._is[key] = self._names(self.canonical(by), (unit,))
        return answer

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


class PlainRoles:
    """Roles by the names exactly as written, for evaluation without a
    directory: the first lead unit is LEAD, the others CO_LEAD, anyone else
    sets the figure (OTHER)."""

    def canonical(self, by: str) -> str:
        return (by or "").strip()

    def is_contribution(self, item: Item, by: str) -> bool:  # noqa: ARG002
        return False

    def kind(self, item: Item, by: str, office=OFFICE_NAMES) -> str:
        name = self.canonical(by)
        if name in office:
            return OFFICE
        if item.lead and name == item.lead[0].strip():
            return LEAD
        if name and name in (n.strip() for n in item.lead):
            return CO_LEAD
        return OTHER

    def lead_units(self, item: Item) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.strip() for n in item.lead))

    def is_unit(self, unit: str, by: str) -> bool:
        return self.canonical(by) == unit
