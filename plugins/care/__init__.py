"""care: the CARE case-report checklist (CARE 2013, 13 items) for MkDocs. Authors mark where each
item is reported (`## Outcome { data-care="follow-up" }`), declare in the config the items the
case does not report, and place `<!-- care:checklist -->` on a page."""

from care.items import ITEMS, Item

__all__ = ["ITEMS", "Item"]
