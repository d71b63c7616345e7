"""The care plugin's options (MkDocs' schema); the value check is the core's (checklist.py)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from care.checklist import check_not_reported


class NotReported(c.BaseConfigOption[dict]):
    """CARE items the case does not report, each with the reason the checklist shows."""

    def __init__(self) -> None:
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> dict:
        try:
            declared, warnings = check_not_reported(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        self.warnings.extend(warnings)
        return declared


class CareConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from mkdocs.yml."""

    not_reported = NotReported()
    """`item: reason` for each CARE item the case does not report, e.g.
    `timeline: not reported in the source abstract`; the checklist shows the reason as written."""
