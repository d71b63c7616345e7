"""pandoc 3 as the oracle of the citation syntax: one run of `pandoc -f markdown -t json` over the
whole corpus (tests/data/citation-corpus.yaml: pandoc's own citation tests and bibcite's edge
cases), each case's `Cite` elements compared with what bibcite reads from the same Markdown:
keys, modes, prefixes and suffixes, in reading order. The cases where bibcite differs on purpose
say so in the corpus (`deliberate`, with the reason); on all others at least 98% agree."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache

import markdown
import pypandoc
import yaml
from conftest import DATA

from bibcite.citations.extension import CitationExtension
from bibcite.citations.syntax import locator_text

CORPUS = DATA / "citation-corpus.yaml"
# What MkDocs sites commonly enable, for the Markdown pandoc reads by default (notes, tables,
# definition lists, strikeout, super- and subscripts).
EXTENSIONS = [
    "toc",
    "tables",
    "fenced_code",
    "footnotes",
    "attr_list",
    "def_list",
    "pymdownx.tilde",
]
_CASE = "bibcite-case-"


@cache
def corpus() -> list[dict]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["cases"]


def _own_labels(text: str, n: int) -> str:
    """Footnote and example labels made the case's own: pandoc reads all cases as one document,
    and an example list's `(@a)` would make every later `@a` a reference to it."""
    text = re.sub(r"\[\^([^\]\s]+)\]", lambda m: f"[^c{n}-{m[1]}]", text)
    for label in set(re.findall(r"(?m)^\s*\(@([\w-]+)\)", text)):
        text = re.sub(rf"@{re.escape(label)}\b", f"@example{n}{label}", text)
    return text


@cache
def pandoc_reading() -> dict[str, list[list[tuple]]]:
    """Every case's citations as pandoc reads them, from one pandoc run."""
    document = "".join(
        f"\n\n# {_CASE}{n} {{#{_CASE}{n}}}\n\n{_own_labels(case['markdown'], n)}\n\n"
        for n, case in enumerate(corpus())
    )
    out = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "json"],
        input=document,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    blocks = json.loads(out)["blocks"]
    found: dict[str, list[list[tuple]]] = {case["id"]: [] for case in corpus()}
    current = None
    for block in blocks:
        if block["t"] == "Header" and block["c"][1][0].startswith(_CASE):
            current = found[corpus()[int(block["c"][1][0].removeprefix(_CASE))]["id"]]
            continue
        _cites(block, current)
    return found


def _cites(node: object, into: list) -> None:
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            into.append(
                [
                    (
                        c["citationId"],
                        c["citationMode"]["t"],
                        _normal(_text(c["citationPrefix"])),
                        # A locator's braces: pandoc keeps them in the suffix and drops them
                        # when it renders, as bibcite does.
                        locator_text(
                            _normal(_text(c["citationSuffix"])).replace("{", "").replace("}", "")
                        ),
                    )
                    for c in node["c"][0]
                ]
            )
        for value in node.values():
            _cites(value, into)
    elif isinstance(node, list):
        for value in node:
            _cites(value, into)


_WRAPPERS = ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline")


def _text(inlines: list[dict]) -> str:
    """pandoc's inlines as the plain text a reader sees (a citation inside left out)."""
    parts = []
    for inline in inlines:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Code", "RawInline"):
            parts.append(content[1])
        elif kind == "Math":
            parts.append(f"${content[1]}$")
        elif kind == "Quoted":
            mark = '"' if content[0]["t"] == "DoubleQuote" else "'"
            parts.append(mark + _text(content[1]) + mark)
        elif kind in ("Link", "Image", "Span"):
            parts.append(_text(content[1]))
        elif kind in _WRAPPERS:
            parts.append(_text(content))
    return "".join(parts)


def _normal(text: str) -> str:
    """pandoc's typography that bibcite leaves as written: non-breaking spaces after
    abbreviations, curly apostrophes and quotes."""
    text = text.replace("\xa0", " ").translate(str.maketrans("\u2019\u2018\u201c\u201d", "''\"\""))
    return " ".join(text.split())


class _Recorder:
    def record_page(self, groups, *, bibliography):
        self.groups = groups


def bibcite_reading(text: str) -> list[list[tuple]]:
    recorder = _Recorder()
    recorder.groups = []
    md = markdown.Markdown(extensions=[CitationExtension(recorder), *EXTENSIONS])
    md.convert(text)
    return [
        [
            (
                item.key,
                _mode(group, index),
                _normal(item.prefix),
                _normal(item.locator),
            )
            for index, item in enumerate(group.items)
        ]
        for group in recorder.groups
    ]


def _mode(group, index: int) -> str:
    item = group.items[index]
    if item.suppress_author:
        return "SuppressAuthor"
    return "AuthorInText" if group.narrative and index == 0 else "NormalCitation"


def test_pandoc_is_version_3():
    version = pypandoc.get_pandoc_version()
    assert int(version.split(".")[0]) >= 3, version


def test_the_corpus_holds_pandoc_s_tests_and_bibcite_s_own():
    sources = {case["from"].split(" ")[0] for case in corpus()}
    assert sources == {"jgm/pandoc", "bibcite"}
    assert len(corpus()) >= 200
    assert len({case["id"] for case in corpus()}) == len(corpus())


def test_bibcite_reads_citations_as_pandoc_does():
    oracle = pandoc_reading()
    compared, differ, agree_deliberate = 0, [], []
    for case in corpus():
        ours, theirs = bibcite_reading(case["markdown"]), oracle[case["id"]]
        if case.get("deliberate"):
            if ours == theirs:
                agree_deliberate.append(case["id"])
            continue
        compared += 1
        if ours != theirs:
            differ.append(f"{case['id']}: pandoc {theirs}\n    bibcite {ours}")
    assert not agree_deliberate, f"marked deliberate but agreeing: {agree_deliberate}"
    agreement = 1 - len(differ) / compared
    assert agreement >= 0.98, f"{agreement:.1%} of {compared} agree; differ:\n" + "\n".join(differ)
    assert not differ, "\n".join(differ)  # each known difference is in the corpus with its reason
