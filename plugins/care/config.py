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


class PdfFile(c.Type):
    """The PDF's path in the site: relative, inside site_dir, ending in .pdf."""

    def __init__(self) -> None:
        super().__init__(str, default="report.pdf")

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        parts = value.replace("\\", "/").split("/")
        if not value.lower().endswith(".pdf") or value.startswith("/") or ".." in parts:
            raise ValidationError(
                f"'{value}' is not a PDF file's path inside the site; give a relative path "
                "ending in .pdf, e.g. 'report.pdf' or 'downloads/report.pdf'."
            )
        return value


class PdfConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Make the PDF (when `pages` lists any); false leaves it and its link out."""

    pages = c.ListOfItems(c.Type(str), default=[])
    """The pages the PDF holds, in order, as source paths (`index.md`, `case.md`)."""

    file = PdfFile()
    """Where the PDF is written in the site."""

    title = c.Optional(c.Type(str))
    """The PDF's title (its metadata and the top margin); default: `site_name`."""

    link_text = c.Type(str, default="Download PDF")
    """The words of the link that `<!-- care:pdf -->` places."""

    on_serve = c.Type(bool, default=False)
    """Make the PDF under `mkdocs serve` too (each rebuild then waits for Chromium)."""

    chromium = c.Type(str, default="/usr/bin/chromium")
    """The Chromium (or Chrome) that prints the PDF."""

    paper = c.Choice(("A4", "Letter", "Legal", "A3", "A5"), default="A4")
    """The page size."""


class CareConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from mkdocs.yml."""

    not_reported = NotReported()
    """`item: reason` for each CARE item the case does not report, e.g.
    `timeline: not reported in the source abstract`; the checklist shows the reason as written."""

    pdf = c.SubConfig(PdfConfig)
    """The report as one PDF, made from the listed pages after the build."""
