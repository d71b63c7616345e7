"""Golden files of the CSL engine: a fixed set of citation clusters and the bibliography of
tests/data/csl/golden.bib, formatted with each shipped style by pandoc's citeproc, compared with
tests/data/csl/golden/<style>.html (a page to read in a browser: the clusters, then the entries
in the style's order).

After a change that alters the output on purpose (a style file updated, pandoc upgraded):

    BIBCITE_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/styles/test_csl_golden.py

writes the files and fails (so that it never passes unseen); read the diff, then run again.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bibcite.bibliography.load import load
from bibcite.styles.csl import styles
from bibcite.styles.csl.engine import Cited, CslFormatter

DATA = Path(__file__).parents[1] / "data" / "csl"
BIB = DATA / "golden.bib"
GOLDEN = DATA / "golden"
REGENERATE = os.environ.get("BIBCITE_REGENERATE_GOLDEN", "") not in ("", "0")


def _item(key: str, prefix: str = "", locator: str = "", suppress: bool = False):
    return (key, prefix, locator, suppress)


# Each cluster as the citation syntax writes it, and what the engine is given.
CLUSTERS: list[tuple[str, tuple, bool]] = [
    ("[@christopeit2008]", (_item("christopeit2008"),), False),
    (
        "[@watson1953; @knuth1997; @lamport1993]",
        tuple(map(_item, ("watson1953", "knuth1997", "lamport1993"))),
        False,
    ),
    ("[@knuth1997, p. 33]", (_item("knuth1997", locator="p. 33"),), False),
    ("[-@guiducci2010]", (_item("guiducci2010", suppress=True),), False),
    ("@keyszer2011", (_item("keyszer2011"),), True),
    ("@watson1953 [p. 737]", (_item("watson1953", locator="p. 737"),), True),
    (
        "[see @who2023, p. 12; @pandocmanual]",
        (_item("who2023", "see", "p. 12"), _item("pandocmanual")),
        False,
    ),
    ("[@chakr2013]", (_item("chakr2013"),), False),
    # In citation order these are numbers 5, 6 and 7: numeric styles collapse them.
    (
        "[@guiducci2010; @keyszer2011; @who2023]",
        tuple(map(_item, ("guiducci2010", "keyszer2011", "who2023"))),
        False,
    ),
    ("[@christopeit2008]", (_item("christopeit2008"),), False),  # cited again
    ("[@uhlenbeck1993]", (_item("uhlenbeck1993"),), False),  # edited, no author
]
UNCITED = ["shannon1940"]  # listed (nocite), never cited


@pytest.fixture(scope="module")
def bibliography():
    return load([str(BIB)], base_dir=str(DATA))


@pytest.fixture(scope="module")
def formatted(bibliography):
    """The formatter of a shipped style, prepared once for the module (one pandoc run)."""
    done: dict[str, CslFormatter] = {}

    def get(name: str) -> CslFormatter:
        if name not in done:
            style = styles.load(name, "")
            # The locale as for_site chooses it with no option and no theme language.
            formatter = CslFormatter(bibliography, style, lang=style.default_locale or "en-US")
            cited = [
                Cited(("golden.md", number), items, narrative)
                for number, (_, items, narrative) in enumerate(CLUSTERS)
            ]
            formatter.prepare(cited, list(bibliography.entries.keys()))
            assert formatter.runs == 1
            done[name] = formatter
        return done[name]

    return get


def _page(name: str, formatter: CslFormatter, keys: list[str]) -> str:
    lang = formatter.lang
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        f'<head><meta charset="utf-8"><title>{name} (bibcite CSL golden file)</title></head>',
        "<body>",
        "<!-- Written by tests/styles/test_csl_golden.py with BIBCITE_REGENERATE_GOLDEN=1."
        " Read it after each change: it should be what the style prescribes. -->",
        f"<h1>{name} <small>({lang})</small></h1>",
        "<h2>Citations</h2>",
        "<dl>",
    ]
    for number, (written, _, _) in enumerate(CLUSTERS):
        cluster = formatter.cluster(("golden.md", number))
        assert cluster is not None, f"{name}: no citation for {written}"
        attached = ' data-attached="true"' if cluster.attached else ""
        lines.append(f"<dt><code>{html.escape(written)}</code></dt>")
        lines.append(f"<dd{attached}>{cluster.html}</dd>")
    lines += ["</dl>", "<h2>References</h2>", "<ol>"]
    for key in sorted(keys, key=formatter.rank):
        margin = formatter.margin(key)
        shown = f'<span class="margin">{html.escape(margin)}</span> ' if margin else ""
        lines.append(f'<li data-key="{key}">{shown}{formatter.get(key).html}</li>')
    lines += ["</ol>", "</body>", "</html>", ""]
    return _readable("\n".join(lines))


def _readable(page: str) -> str:
    """The characters the engine writes as references ("&#8211;", to keep pages ASCII) as
    themselves, so the file reads as the style's text."""
    return re.sub(r"&#([0-9]+);", lambda match: chr(int(match[1])), page)


@pytest.mark.parametrize("name", styles.shipped())
def test_golden(bibliography, formatted, name):
    keys = list(bibliography.entries.keys())
    formatter = formatted(name)
    # Every entry formatted, ranked once each, its text the text of its HTML.
    assert sorted(formatter.rank(key) for key in keys) == list(range(len(keys)))
    for key in keys:
        reference = formatter.get(key)
        shown = " ".join(BeautifulSoup(reference.html, "html.parser").get_text().split())
        assert reference.text == shown
        assert bool(formatter.margin(key)) == styles.load(name, "").numeric
    page = _page(name, formatter, keys)
    path = GOLDEN / f"{name}.html"
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        pytest.fail(
            f"regenerated {path}: read it, then run again without BIBCITE_REGENERATE_GOLDEN"
        )
    if not path.exists():
        pytest.fail(f"{path} is missing: run with BIBCITE_REGENERATE_GOLDEN=1, and read it")
    assert page == path.read_text(encoding="utf-8"), (
        f"{name}: the output differs from {path}; if on purpose, regenerate it "
        "(BIBCITE_REGENERATE_GOLDEN=1) and read the diff"
    )


def test_a_golden_file_per_shipped_style():
    assert sorted(path.stem for path in GOLDEN.glob("*.html")) == sorted(styles.shipped())


def test_the_clusters_cite_all_but_the_uncited(bibliography):
    cited = {item[0] for _, items, _ in CLUSTERS for item in items}
    assert cited | set(UNCITED) == set(bibliography.entries.keys())
    assert not cited & set(UNCITED)


# pandoc 3.9's citeproc writes the label of a <names> that has no <name> child before the names
# ("In, ed.Uhlenbeck K."); the shipped AMA and NLM styles have a `<name/>` added before each such
# label (plugins/bibcite/styles/csl/shipped/README.md).
@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        ("american-medical-association", "lamport1993", "In: Uhlenbeck K, ed. Global Analysis"),
        ("american-medical-association", "uhlenbeck1993", "Uhlenbeck K, ed. Global Analysis"),
        ("nlm-citation-sequence", "lamport1993", "In: Uhlenbeck K, editor. Global Analysis"),
        ("nlm-citation-sequence", "uhlenbeck1993", "Uhlenbeck K, editor. Global Analysis"),
    ],
)
def test_editors_come_before_their_label(formatted, name, key, expected):
    assert expected in formatted(name).get(key).text


def test_site_references_copied_verbatim():
    site = (Path(__file__).parents[2] / "bibliography" / "references.bib").read_text("utf-8")
    entries = site[site.index("@") :]
    assert entries in BIB.read_text(encoding="utf-8")
