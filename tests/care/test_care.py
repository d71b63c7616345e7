"""The care plugin on small sites: the checklist a reader sees (links to the marked sections,
the declared reasons) and the warnings an author gets, each failing `--strict`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import build_once, new_process
from mkdocs.config import load_config

from care.items import ITEMS

ALL_BUT_TWO = {item.name: "not reported in the source" for item in ITEMS[2:]}


def build(root: Path, pages: dict[str, str], not_reported: dict) -> tuple[list[str], object]:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    settings = {
        "site_name": "Test",
        "markdown_extensions": ["attr_list", "toc"],
        "plugins": [{"care": {"not_reported": not_reported}}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    new_process()
    import logging

    records: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Grab(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(str(root / "mkdocs.yml"), strict=True)
        _, error = build_once(config)
    finally:
        logger.removeHandler(handler)
    return records, error


PAGES = {
    "index.md": "# The case { data-care=\"title\" }\n\n<!-- care:checklist -->\n",
    "case.md": "# Case\n\n## Keys\n\nText.\n\n## Found { data-care=\"keywords\" }\n",
}


def test_the_checklist_links_marked_items_and_gives_declared_reasons(tmp_path):
    messages, error = build(tmp_path, PAGES, ALL_BUT_TWO)
    assert (messages, error) == ([], None)
    soup = BeautifulSoup((tmp_path / "site" / "index.html").read_text(), "html.parser")
    rows = soup.select("table.care-checklist tbody tr")
    assert len(rows) == 13
    cells = {row.th.get_text(): row.find_all("td")[1] for row in rows}
    assert cells["Key words"].a["href"] == "case/#found"
    assert cells["Key words"].get_text() == "Case › Found"
    assert cells["Title"].a["href"] == "./#the-case"
    assert cells["Timeline"].get_text() == "not reported in the source"


def test_an_item_neither_marked_nor_declared_is_a_warning_at_the_checklist(tmp_path):
    messages, error = build(tmp_path, PAGES, dict(list(ALL_BUT_TWO.items())[1:]))
    assert error is not None  # --strict
    assert any(
        m.startswith("care: docs/index.md:3: CARE item 3 'abstract' (Abstract) is neither marked")
        and "[unlisted_item]" in m
        for m in messages
    ), messages


def test_an_unknown_item_on_a_heading_is_a_warning_naming_page_and_line(tmp_path):
    pages = {**PAGES, "case.md": PAGES["case.md"] + "\n## Later { data-care=\"folow-up\" }\n"}
    messages, error = build(tmp_path, pages, ALL_BUT_TWO)
    assert error is not None
    assert (
        "care: docs/case.md:9: unknown CARE item 'folow-up' [unknown_item] — did you mean "
        "'follow-up'? CARE 2013 items: " + ", ".join(item.name for item in ITEMS)
    ) in messages


def test_an_unknown_item_in_the_config_is_a_warning_that_fails_strict(tmp_path):
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort, match="1 configuration warnings in 'strict' mode"):
        build(tmp_path, PAGES, {**ALL_BUT_TWO, "time-line": "x"})


def test_a_reason_that_is_not_text_is_a_config_error(tmp_path, caplog):
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort, match="configuration error"):
        build(tmp_path, PAGES, {"timeline": ""})
    assert "Give the reason 'timeline' is not reported as text" in caplog.text


def test_the_config_warning_names_the_item_and_the_fix():
    from care.checklist import check_not_reported

    declared, warnings = check_not_reported({"time-line": "x", "timeline": "  not  given "})
    assert declared == {"timeline": "not given"}
    assert warnings == [
        "not_reported: unknown CARE item 'time-line' [unknown_item] — did you mean 'timeline'? "
        "CARE 2013 items: " + ", ".join(item.name for item in ITEMS)
    ]
