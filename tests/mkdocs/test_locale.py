"""Words in the site's language, under MkDocs: a site with `locale: pt` reads in Portuguese
wherever bibcite writes words of its own (headings, back-links, the References page's lead, the
"Cite this" block, the table's words, the scripts' words); a Material site with `language: de`
and no `locale` reads in German; a language bibcite has no words for reads in English, with one
info line; a malformed locale is a config error; an author's headings win over the locale's."""

from __future__ import annotations

import csv
import io
import json

from bs4 import BeautifulSoup
from conftest import DATA, build_site

from bibcite.mkdocs.plugin import BibcitePlugin

STUDIES = """key,design,outcome
solo2001,Case report,not reported
duo2002,não relatado,Improved
"""

PAGES = {
    "index.md": "# Home\n\nA case [@solo2001].\n\n<!-- bibcite:cite-this -->\n\n"
    "<!-- bibcite:downloads -->\n",
    "a.md": "# Page A\n\n@duo2002 say so [@duo2002]. Also [@solo2001] and [@trio2003].\n",
    "table.md": "# Studies\n\n/// literature-table | Reports\n    data: data/studies.csv\n///\n",
    "references.md": "# Bibliografia\n\n<!-- bibcite:bibliography -->\n",
}
NAV = [{"Home": "index.md"}, {"Page A": "a.md"}, {"Studies": "table.md"}, "references.md"]


def bib() -> dict[str, str]:
    return {
        "refs.bib": (DATA / "refs.bib").read_text(encoding="utf-8"),
        "data/studies.csv": STUDIES,
    }


def build(tmp_path, options: dict | None = None, **config):
    options = {"cite_this": "solo2001", **(options or {})}
    return build_site(tmp_path, PAGES, bib=bib(), options=options, nav=NAV, **config)


def soup(result, page: str) -> BeautifulSoup:
    return BeautifulSoup(result.html(page), "html.parser")


def squash(text: str) -> str:
    return " ".join(text.split())


def shown(result) -> dict[str, object]:
    """What a reader sees (or hears) of bibcite's own words on each page."""
    a, index = soup(result, "a.md"), soup(result, "index.md")
    table, references = soup(result, "table.md"), soup(result, "references.md")
    words = a.find("script", id="bibcite-words")
    return {
        "heading": [squash(h2.get_text()) for h2 in a.find_all("h2")],
        "narrative": squash(a.select_one(".bibcite-narrative").get_text()),
        "citation name": a.select_one("a.bibcite-ref")["aria-label"],
        "back-links": [
            link["aria-label"] for link in a.select(".bibcite-backlinks a[aria-label]")
        ],
        "cited in": squash(references.select_one(".bibcite-backlinks").get_text()),
        "cited in name": references.select_one(".bibcite-backlinks a")["aria-label"],
        "cite this": squash(index.select_one(".bibcite-cite-this h2").get_text()),
        "cite this id": index.select_one(".bibcite-cite-this h2")["id"],
        "copy button": squash(index.select_one("button.bibcite-copy").get_text()),
        "downloads": squash(index.select_one(".bibcite-downloads").get_text()),
        "caption": squash(table.select_one("caption").get_text()),
        "first column": squash(table.select_one("thead th").get_text()),
        "missing": [squash(td.get_text()) for td in table.select("td.bibcite-not-reported")],
        "legend": squash(table.select_one(".bibcite-table-legend").get_text()),
        "csv link": squash(table.select_one(".bibcite-table-download").get_text()),
        "script words": json.loads(words.string) if words else None,
    }


def test_a_site_in_portuguese(tmp_path):
    result = build(tmp_path, {"locale": "pt"})
    assert result.messages == []
    assert shown(result) == {
        "heading": ["Referências"],
        "narrative": "Bravo e Charlie [2]",
        "citation name": "Referência 2",
        "back-links": [
            "Voltar à citação", "Voltar à citação a", "Voltar à citação b", "Voltar à citação"
        ],
        "cited in": "Citado em: Home, Page A, Studies",
        "cited in name": "Citado em Home",
        "cite this": "Como citar este relatório",
        "cite this id": "como-citar-este-relatorio",
        "copy button": "Copiar citação",
        "downloads": "Baixar a bibliografia: BibTeX (.bib) · RIS (.ris)",
        "caption": "Tabela 1. Reports",
        "first column": "Relato",
        # "not reported" in the data file (English) and "não relatado" (the site's word) alike.
        "missing": ["não relatado", "não relatado"],
        "legend": "não relatado: a fonte não o indica.",
        "csv link": "Baixar CSV",
        "script words": {
            "reference_number": "Referência {number}",
            "go_to_reference": "Ir para a referência {number} na lista",
            "copied": "Citação copiada para a área de transferência.",
            "copy_failed": "Não foi possível copiar: selecione a citação e copie-a manualmente.",
            "table_scroll": "Deslize a tabela para o lado para ver todas as {count} colunas.",
        },
    }
    href = soup(result, "table.md").select_one(".bibcite-table-download a")["href"]
    download = (tmp_path / "site" / "table" / href).resolve()
    header = next(csv.reader(io.StringIO(download.read_text(encoding="utf-8-sig"))))
    assert header == ["Relato", "design", "outcome", "Referência"]  # the CSV's words too


def test_a_brazilian_tag_reads_in_portuguese(tmp_path):
    result = build(tmp_path, {"locale": "pt-BR"})
    assert result.messages == []
    assert shown(result)["heading"] == ["Referências"]


def test_a_material_site_in_german_without_the_option(tmp_path):
    result = build(tmp_path, theme={"name": "material", "language": "de"})
    assert result.messages == []
    seen = shown(result)
    assert {key: seen[key] for key in ("heading", "narrative", "cited in", "cite this")} == {
        "heading": ["Literatur"],
        "narrative": "Bravo und Charlie [2]",
        "cited in": "Zitiert in: Home, Page A, Studies",
        "cite this": "Diesen Bericht zitieren",
    }
    assert (seen["copy button"], seen["missing"], seen["legend"]) == (
        "Zitat kopieren",
        ["nicht berichtet"],  # "not reported" (English), and not "não relatado"
        "nicht berichtet: die Quelle macht dazu keine Angabe.",
    )
    assert seen["script words"]["copied"] == "Zitat in die Zwischenablage kopiert."


def test_the_option_wins_over_the_theme(tmp_path):
    result = build(tmp_path, {"locale": "es"}, theme={"name": "material", "language": "de"})
    assert shown(result)["heading"] == ["Referencias"]


def test_a_language_without_words_reads_in_english_and_says_so(tmp_path):
    result = build(tmp_path, {"locale": "ja"})
    assert result.messages == [
        "INFO: bibcite: no words for language 'ja' (bibcite has de, en, es, fr, pt); "
        "using English"
    ]
    seen = shown(result)
    assert (seen["heading"], seen["cited in"], seen["cite this"], seen["missing"]) == (
        ["References"],
        "Cited in: Home, Page A, Studies",
        "Cite this report",
        ["not reported"],  # "não relatado" is no English word
    )
    assert seen["script words"] is None  # the scripts' own words are English


def test_an_english_site_is_as_before(tmp_path):
    result = build(tmp_path)
    assert result.messages == []
    seen = shown(result)
    assert (seen["heading"], seen["back-links"][:2], seen["narrative"]) == (
        ["References"],
        ["Back to the citation", "Back to citation a"],
        "Bravo and Charlie [2]",
    )
    assert seen["script words"] is None


def test_the_authors_headings_win_over_the_locale(tmp_path):
    options = {
        "locale": "pt",
        "references_heading": "Literatura citada",
        "cite_this": {"key": "solo2001", "heading": "Como citar"},
    }
    result = build(tmp_path, options)
    seen = shown(result)
    assert (seen["heading"], seen["cite this"], seen["copy button"]) == (
        ["Literatura citada"],
        "Como citar",
        "Copiar citação",
    )


def test_a_malformed_locale_is_a_config_error(tmp_path):
    (tmp_path / "a.bib").write_text("")
    plugin = BibcitePlugin()
    options = {"bibliography": "a.bib", "locale": "pt BR"}
    errors, _ = plugin.load_config(options, config_file_path=str(tmp_path / "mkdocs.yml"))
    assert [(key, str(error)) for key, error in errors] == [
        (
            "locale",
            "'pt BR' is not a language tag; give one such as 'pt-BR', 'en-US' or 'de' "
            "(bibcite has words for: de, en, es, fr, pt)",
        )
    ]


GROUPED = """@article{art1, author = {Alpha, A.}, title = {One}, journal = {J}, year = {2001}}
@book{book1, author = {Beta, B.}, title = {Two}, publisher = {P}, year = {2002}}
@misc{undated, author = {Gamma, C.}, title = {Three}}
"""


def _grouped_headings(tmp_path, locale: str | None) -> list[list[str]]:
    page = (
        "# Publicações\n\n"
        "/// bibliography\n    entries: all\n    group_by: type\n///\n\n"
        "/// bibliography\n    entries: all\n    group_by: year\n///\n"
    )
    options = {"bibliography": "g.bib"} | ({"locale": locale} if locale else {})
    result = build_site(tmp_path, {"index.md": page}, bib={"g.bib": GROUPED}, options=options)
    assert result.messages == []
    html = BeautifulSoup(result.html("index.md"), "html.parser")
    headings = [squash(h3.get_text()) for h3 in html.select("h3.bibcite-list-heading")]
    return [headings[:3], headings[3:]]


def test_bibliography_blocks_group_headings_are_in_the_sites_language(tmp_path):
    assert _grouped_headings(tmp_path / "pt", "pt") == [
        ["Artigos de periódicos", "Livros", "Outros"],
        ["2001", "2002", "Sem data"],
    ]
    assert _grouped_headings(tmp_path / "de", "de") == [
        ["Zeitschriftenartikel", "Bücher", "Sonstiges"],
        ["2001", "2002", "Ohne Datum"],
    ]
    assert _grouped_headings(tmp_path / "en", None) == [
        ["Journal articles", "Books", "Other"],
        ["2001", "2002", "No date"],
    ]


VANCOUVER = r"""
@incollection{chap, author = {Alpha, Ann}, title = {A chapter}, booktitle = {The Book},
  editor = {Beta, Bo and Gamma, Cy}, publisher = {P}, address = {Porto Alegre}, year = {2010},
  pages = {12--19}}
@online{web, author = {Delta, Di}, title = {A page}, url = {https://example.org/a},
  urldate = {2020-01-05}, year = {2019}}
@phdthesis{thesis, author = {Echo, Ed}, title = {A thesis}, school = {UFRGS}, year = {2012}}
@techreport{tr, author = {Foxtrot, Fi and others}, title = {A report}, institution = {I},
  number = {7}, year = {2015}}
@unpublished{draft, author = {Golf, Gu}, title = {A draft}, year = {2016}}
"""


def _vancouver(tmp_path, locale: str) -> list[str]:
    page = "# Referências\n\n[@chap; @web; @thesis; @tr; @draft]\n"
    options = {"bibliography": "v.bib", "locale": locale}
    result = build_site(tmp_path, {"index.md": page}, bib={"v.bib": VANCOUVER}, options=options)
    assert result.messages == []
    html = BeautifulSoup(result.html("index.md"), "html.parser")
    return [squash(item.get_text()) for item in html.select(".bibcite-references .bibcite-entry")]


def test_vancouver_references_write_the_sites_words(tmp_path):
    assert _vancouver(tmp_path / "pt", "pt-BR") == [
        "Alpha A. A chapter. In: Beta B, Gamma C, editores. The Book. Porto Alegre: P; 2010. "
        "p. 12-9.",
        "Delta D. A page [Internet]. 2019 [citado 2020 Jan 5]. Disponível em: "
        "https://example.org/a",
        "Echo E. A thesis [tese de doutorado]. UFRGS; 2012.",
        "Foxtrot F, et al. A report. I; 2015. Relatório n.º: 7.",
        "Golf G. A draft. Não publicado; 2016.",
    ]
    assert _vancouver(tmp_path / "de", "de")[0].endswith(
        "In: Beta B, Gamma C, Herausgeber. The Book. Porto Alegre: P; 2010. S. 12-9."
    )
    assert _vancouver(tmp_path / "en", "en") == [
        "Alpha A. A chapter. In: Beta B, Gamma C, editors. The Book. Porto Alegre: P; 2010. "
        "p. 12-9.",
        "Delta D. A page [Internet]. 2019 [cited 2020 Jan 5]. Available from: "
        "https://example.org/a",
        "Echo E. A thesis [dissertation]. UFRGS; 2012.",
        "Foxtrot F, et al. A report. I; 2015. Report No.: 7.",
        "Golf G. A draft. Unpublished; 2016.",
    ]
