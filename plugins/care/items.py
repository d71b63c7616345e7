"""The 13 items of the CARE 2013 checklist for case reports (Gagnier et al., CARE Guidelines),
by the names authors write in `data-care` and in the config."""

from __future__ import annotations

from typing import NamedTuple


class Item(NamedTuple):
    number: int
    name: str  # what `data-care` and `not_reported` use
    label: str  # the checklist's words


ITEMS: tuple[Item, ...] = (
    Item(1, "title", "Title"),
    Item(2, "keywords", "Key words"),
    Item(3, "abstract", "Abstract"),
    Item(4, "introduction", "Introduction"),
    Item(5, "patient-information", "Patient information"),
    Item(6, "clinical-findings", "Clinical findings"),
    Item(7, "timeline", "Timeline"),
    Item(8, "diagnostic-assessment", "Diagnostic assessment"),
    Item(9, "therapeutic-intervention", "Therapeutic intervention"),
    Item(10, "follow-up", "Follow-up and outcomes"),
    Item(11, "discussion", "Discussion"),
    Item(12, "patient-perspective", "Patient perspective"),
    Item(13, "informed-consent", "Informed consent"),
)
NAMES: dict[str, Item] = {item.name: item for item in ITEMS}
