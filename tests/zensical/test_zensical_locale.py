"""Words in the site's language under Zensical (`zensical build`, in a child process), as under
MkDocs (tests/mkdocs/test_locale.py): `locale: pt` reads in Portuguese, the theme's `language`
decides without the option, a language bibcite has no words for reads in English with one info
line, and a malformed locale fails the build with its message."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import unquote

from conftest import DATA
from test_zensical_build import _text, _write, article, zensical

from bibcite.bibliography.load import BibliographyCache
from bibcite.zensical.options import read
from bibcite.zensical.site import Project, Site

CONFIG = """site_name: Small
{theme}nav:
  - index.md
  - a.md
  - table.md
  - references.md
markdown_extensions:
  - toc
  - bibcite.zensical:
      bibliography: refs.bib
      cite_this: solo2001
{options}"""

PAGES = {
    "docs/index.md": "# Home\n\nA case [@solo2001].\n\n<!-- bibcite:cite-this -->\n",
    "docs/a.md": "# Page A\n\n@duo2002 say so [@duo2002]. Also [@solo2001] and [@trio2003].\n",
    "docs/table.md": (
        "# Studies\n\n/// literature-table | Reports\n    data: data/studies.csv\n///\n"
    ),
    "docs/references.md": "# Bibliografia\n\n<!-- bibcite:bibliography -->\n",
    "data/studies.csv": "key,design,outcome\nsolo2001,Case report,not reported\n",
}


def build(root: Path, options: str = "", theme: str = ""):
    config = CONFIG.format(options=options, theme=theme)
    refs = (DATA / "refs.bib").read_text(encoding="utf-8")
    _write(root, {"mkdocs.yml": config, "refs.bib": refs, **PAGES})
    return zensical(root, "--clean")


def shown(root: Path) -> dict[str, object]:
    def page(name: str):
        return article(root / "site" / name / "index.html")

    a, index, table, references = page("a"), page(""), page("table"), page("references")
    raw = (root / "site" / "a" / "index.html").read_text(encoding="utf-8")
    words = raw.split('<script type="application/json" id="bibcite-words">', 1)
    csv_href = table.select_one(".bibcite-table-download a")["href"]
    return {
        "heading": [_text(h2) for h2 in a.find_all("h2")],
        "narrative": _text(a.select_one(".bibcite-narrative")),
        "back-links": [link["aria-label"] for link in a.select(".bibcite-backlinks a")],
        "cited in": _text(references.select_one(".bibcite-backlinks")),
        "cite this": _text(index.select_one(".bibcite-cite-this h2")),
        "copy button": _text(index.select_one("button.bibcite-copy")),
        "missing": _text(table.select_one("td.bibcite-not-reported")),
        "legend": _text(table.select_one(".bibcite-table-legend")),
        "csv": unquote(csv_href.split(",", 1)[1]).splitlines()[0],
        "copied": json.loads(words[1].split("</script>", 1)[0])["copied"]
        if len(words) > 1
        else None,
    }


def test_a_site_in_portuguese(tmp_path):
    built = build(tmp_path, "      locale: pt\n")
    assert built.returncode == 0, built.stderr
    assert shown(tmp_path) == {
        "heading": ["Referências"],
        "narrative": "Bravo e Charlie [2]",
        "back-links": [
            "Voltar à citação", "Voltar à citação a", "Voltar à citação b", "Voltar à citação"
        ],
        "cited in": "Citado em: Home, Page A, Studies",
        "cite this": "Como citar este relatório",
        "copy button": "Copiar citação",
        "missing": "não relatado",
        "legend": "não relatado: a fonte não o indica.",
        "csv": "\ufeffRelato,design,outcome,Referência",
        "copied": "Citação copiada para a área de transferência.",
    }


def test_the_themes_language_without_the_option(tmp_path):
    built = build(tmp_path, theme="theme:\n  language: de\n")
    assert built.returncode == 0, built.stderr
    seen = shown(tmp_path)
    assert (seen["heading"], seen["cited in"], seen["cite this"], seen["missing"]) == (
        ["Literatur"],
        "Zitiert in: Home, Page A, Studies",
        "Diesen Bericht zitieren",
        "nicht berichtet",
    )


def test_a_language_without_words_reads_in_english(tmp_path):
    built = build(tmp_path, "      locale: ja\n")
    assert built.returncode == 0, built.stderr
    seen = shown(tmp_path)
    assert (seen["heading"], seen["cited in"], seen["cite this"], seen["copied"]) == (
        ["References"],
        "Cited in: Home, Page A, Studies",
        "Cite this report",
        None,  # the scripts' own English
    )


def test_a_language_without_words_is_one_info_line(tmp_path, caplog):
    """Zensical shows warnings only; the line is logged at info, as under MkDocs."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "refs.bib").write_text("")
    options, _ = read({"bibliography": "refs.bib", "locale": "ja"}, base_dir=str(tmp_path))
    project = Project(str(tmp_path), str(tmp_path / "docs"), (), (), {})
    site = Site(project, options, BibliographyCache())
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.bibcite"):
        site.report()
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        (
            "INFO",
            "bibcite: no words for language 'ja' (bibcite has de, en, es, fr, pt); "
            "using English",
        )
    ]


def test_a_malformed_locale_fails_the_build(tmp_path):
    built = build(tmp_path, "      locale: pt BR\n")
    assert built.returncode != 0
    assert (
        "bibcite.zensical: option 'locale': 'pt BR' is not a language tag; give one such as "
        "'pt-BR', 'en-US' or 'de' (bibcite has words for: de, en, es, fr, pt)" in built.stderr
    )
