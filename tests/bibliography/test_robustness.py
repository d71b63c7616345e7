"""Real-world bibliographies and recoverable faults: the .bib files of pybtex's and
sphinxcontrib-bibtex's source distributions (kept in tests/data/realworld with their licences),
each built into a page citing every entry; faults a .bib file may hold never stop the build."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DATA, load_text

from bibcite.bibliography.load import load

REALWORLD = DATA / "realworld"


def _missing(line: int, key: str, *fields: str) -> str:
    what = "the field" if len(fields) == 1 else "the fields"
    return (
        f"bibcite: refs.bib:{line}: entry '{key}' lacks {', '.join(fields)}, which the style "
        f"needs; its reference shows what it has [missing_field] — add {what} to the entry"
    )


# Each file: its number of entries and the warnings of a page citing all of them.
FILES = {
    "pybtex/tugboat.bib": (2720, []),
    "pybtex/xampl.bib": (
        36,
        [
            _missing(134, "booklet-full", "publisher"),
            _missing(129, "booklet-minimal", "author", "publisher", "year"),
            _missing(226, "misc-minimal", "title"),
            _missing(358, "random-note-crossref", "title"),
            _missing(43, "whole-journal", "author", "title"),
        ],
    ),
    "pybtex/cyrillic.bib": (5, [_missing(45, "test-booklet", "publisher")]),
    "pybtex/IEEEtran.bib": (
        5,
        [
            _missing(1, "IEEEexample:BSTcontrol", "title"),
            _missing(30, "IEEEexample:bibtexFAQ", "urldate"),
            _missing(40, "IEEEexample:bibtexguide", "urldate"),
            _missing(11, "IEEEexample:bibtexuser", "urldate"),
            _missing(21, "IEEEexample:tamethebeast", "urldate"),
        ],
    ),
    "pybtex/extrafields.bib": (1, []),
    "sphinxcontrib-bibtex/natbib.bib": (
        18,
        [
            _missing(126, "Sherwood", "publisher"),
            _missing(278, "branchtest", "title"),
            _missing(272, "notitle", "title"),
        ],
    ),
    "sphinxcontrib-bibtex/sphinx.bib": (14, [_missing(119, "Sherwood", "publisher")]),
    "sphinxcontrib-bibtex/crossref.bib": (3, []),
    "sphinxcontrib-bibtex/latex_refs.bib": (1, []),
    "sphinxcontrib-bibtex/special_chars.bib": (1, []),
}


def test_the_licences_travel_with_the_files():
    assert (
        "Permission is hereby granted, free of charge" in (REALWORLD / "pybtex/COPYING").read_text()
    )
    licence = (REALWORLD / "sphinxcontrib-bibtex/LICENSE.rst").read_text()
    assert "Redistribution and use in source and binary forms" in licence
    assert set(FILES) == {str(path.relative_to(REALWORLD)) for path in REALWORLD.glob("*/*.bib")}


@pytest.fixture(scope="module", params=sorted(FILES))
def realworld(request, site_builder):
    """One build per file: a page citing every entry, each in a paragraph of its own."""
    path: Path = REALWORLD / request.param
    keys = list(load([str(path)]).entries)
    page = "\n\n".join(f"[@{{{key}}}]" for key in keys) + "\n"
    result = site_builder(
        path.stem,
        {"index.md": page},
        bib={"refs.bib": path.read_text(encoding="utf-8")},
        strict=False,
    )
    return request.param, keys, result


class _Entries(HTMLParser):
    """The text of each reference list entry, by its id."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, list[str]] = {}
        self._current: str | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self._current = dict(attrs).get("id")
            self.texts[self._current] = []
        elif self._current and tag == "span" and ("class", "bibcite-backlinks") in attrs:
            self._current = None

    def handle_data(self, data):
        if self._current:
            self.texts[self._current].append(data)


def entries(html: str) -> dict[str, str]:
    parser = _Entries()
    parser.feed(html)
    return {key: "".join(parts).strip() for key, parts in parser.texts.items()}


def test_every_entry_is_built_with_a_warning_for_each_incomplete_one(realworld):
    name, keys, result = realworld
    count, warnings = FILES[name]
    assert len(keys) == count
    assert result.error is None
    assert result.warnings == warnings
    assert result.notes[-1] == (
        f"INFO: bibcite: {count} reference{'s' if count != 1 else ''} cited on 1 page; "
        f"0 unknown keys; 0 entries never cited; {len(warnings)} "
        f"warning{'s' if len(warnings) != 1 else ''}"
    )


def test_every_entry_is_listed_and_cited_once(realworld):
    _, keys, result = realworld
    html = result.html("index.md")
    assert len(entries(html)) == len(keys)
    assert len(re.findall(r'<span class="bibcite-citation" id="cite-\d+">', html)) == len(keys)


def test_latex_leaves_no_braces_or_backslashes(realworld):
    _, _, result = realworld
    stray = {
        key: text for key, text in entries(result.html("index.md")).items()
        if re.search(r"[{}\\]", text)
    }  # fmt: skip
    assert stray == {}


def _entry(result, key: str) -> str:
    html = result.html("index.md")
    start = html.index(f'<li id="{key}"')
    return html[start : html.index("</li>", start) + 5]


def test_incomplete_entries_show_what_they_have(site_builder):
    path = REALWORLD / "pybtex/xampl.bib"
    result = site_builder(
        "xampl-incomplete",
        {"index.md": "[@booklet-minimal] [@whole-journal] [@misc-minimal]\n"},
        bib={"refs.bib": path.read_text(encoding="utf-8")},
        strict=False,
    )
    assert [re.sub(r" <span class=\"bibcite-backlinks\">.*", "", _entry(result, f"ref-{key}"))
            for key in ("booklet-minimal", "whole-journal", "misc-minimal")] == [
        '<li id="ref-booklet-minimal" value="1"><span class="bibcite-entry">'
        "The Programming of Computer Art.</span>",
        '<li id="ref-whole-journal" value="2"><span class="bibcite-entry">'
        "G-Animal&#x27;s Journal. 1986 Jul;41(7).</span>",
        # Nothing a @misc template shows: its note.
        '<li id="ref-misc-minimal" value="3"><span class="bibcite-entry">'
        "This is a minimal MISC entry.</span>",
    ]  # fmt: skip


def test_crossref_and_special_characters_from_sphinxcontrib(realworld):
    name, _, result = realworld
    texts = entries(result.html("index.md"))
    if name == "sphinxcontrib-bibtex/crossref.bib":
        assert texts["ref-srivastava-klassen_2016_functionala-" + _hash(
            "srivastava+klassen_2016_functionala")].startswith(
            "Srivastava A, Klassen EP. Functional Data and Elastic Registration. In: Bicke P, "
            "Diggle P, Fienberg SE, Gather U, Olkin I, Zeger S, editors. Functional and Shape Data "
            "Analysis. New York: Springer-Verlag; 2016. p. 73-123."
        )  # fmt: skip
    elif name == "sphinxcontrib-bibtex/special_chars.bib":
        assert texts["ref-Serrano2009"].startswith(
            "Serrano MÁ, Boguñá M, Vespignani A. Extracting the multiscale backbone"
        )
    elif name == "pybtex/cyrillic.bib":
        assert any(text.startswith("Викторов ММ.") for text in texts.values())
    else:
        assert texts  # every other file: covered by the checks above


def _hash(key: str) -> str:
    import hashlib

    return hashlib.sha1(key.encode()).hexdigest()[:6]


# --- recoverable faults in one file: the build goes on, each a warning at its line -------------

FAULTS = r"""@string{jt = "J Test"}

@article{dupfield,
  author  = {Alpha, Ann},
  title   = {The title that is kept},
  journal = jt,
  title   = {The title that is dropped},
  year    = 2001,
}

@article{macro,
  author  = {Bravo, Ben},
  title   = {An undefined macro},
  journal = nosuchjournal # { Suppl},
  year    = 2002,
}

@inproceedings{child,
  author   = {Charlie, Cid},
  title    = {A paper in proceedings},
  crossref = {parent},
  pages    = {1--5},
}

@proceedings{parent,
  editor    = {Delta, Dan},
  title     = {The Proceedings},
  booktitle = {The Proceedings},
  publisher = {Pub},
  address   = {Place},
  year      = 2003,
}

@online{web,
  author  = {Echo, Eve},
  title   = {A web page},
  url     = {https://example.org/page},
  urldate = {2020-01-05},
  date    = {2019-12-31},
}

@article{biblatex,
  author       = {Foxtrot, Fay},
  title        = {Biblatex fields},
  journaltitle = {J Biblatex},
  date         = {2004-03},
  volume       = 4,
  number       = 2,
  pages        = {3--9},
}

@article{accents,
  author  = {M{\"u}ller, J{\"o}rg and {\v{C}}apek, Karel and Ni{\~n}o, Jos{\'e}},
  title   = {{\em In vitro} {T}-cell {\AA}ngstr{\"o}m \& co: 5\% of $\alpha$ -- ``quoted''},
  journal = {Z {\"O}kol},
  year    = 2005,
}
"""


@pytest.fixture(scope="module")
def faults(site_builder):
    return site_builder(
        "faults",
        {"index.md": "[@dupfield] [@macro] [@child] [@web] [@biblatex] [@accents]\n"},
        bib={"refs.bib": FAULTS},
        strict=False,
    )


def test_recoverable_faults_are_warnings_at_their_lines(faults):
    assert faults.error is None
    assert faults.warnings == [
        "bibcite: refs.bib:7: entry 'dupfield' has the field 'title' twice; the first one is "
        "used [duplicate_field] — delete one of them",
        "bibcite: refs.bib:14: undefined @string macro 'nosuchjournal'; its name is shown in its "
        'place [undefined_macro] — define it with @string{nosuchjournal = "..."} or put the '
        "value in braces",
    ]


@pytest.mark.parametrize(
    ("key", "html"),
    [
        # A duplicate field: the first is kept.
        ("dupfield", "Alpha A. The title that is kept. J Test. 2001."),
        # An undefined macro: its name stays in the text, with the rest of the field.
        ("macro", "Bravo B. An undefined macro. nosuchjournal Suppl. 2002."),
        # Crossref: editor, book title, place, publisher and year come from the parent.
        (
            "child",
            "Charlie C. A paper in proceedings. In: Delta D, editor. The Proceedings. "
            "Place: Pub; 2003. p. 1-5.",
        ),
        # biblatex: @online, date, urldate, journaltitle.
        (
            "web",
            "Echo E. A web page [Internet]. 2019 Dec 31 [cited 2020 Jan 5]. Available from: "
            '<a href="https://example.org/page">https://example.org/page</a>',
        ),
        ("biblatex", "Foxtrot F. Biblatex fields. J Biblatex. 2004 Mar;4(2):3-9."),
        # LaTeX accents, markup and symbols become text, no braces or backslashes left; what is
        # beyond ASCII (ü Č ñ Å Ö α – “ ”) is written as character references.
        (
            "accents",
            "M&#252;ller J, &#268;apek K, Ni&#241;o J. <em>In vitro</em> T-cell &#197;ngstr&#246;m "
            "&amp; co: 5% of &#945; &#8211; &#8220;quoted&#8221;. Z &#214;kol. 2005.",
        ),
    ],
)
def test_each_fault_still_gives_a_full_reference(faults, key, html):
    assert _entry(faults, f"ref-{key}").startswith(
        f'<li id="ref-{key}" value="{list(FAULT_KEYS).index(key) + 1}">'
        f'<span class="bibcite-entry">{html}</span>'
    )


FAULT_KEYS = ("dupfield", "macro", "child", "web", "biblatex", "accents")


# --- scale: bench/stress.py times the large versions; here the HTML is checked -----------------


def test_an_entry_with_ten_thousand_authors(site_builder):
    names = " and ".join(f"Author{index}, Given{index}" for index in range(10_000))
    bib = (
        f"@article{{many, author = {{{names}}}, title = {{A consortium paper}},\n"
        "  journal = {J Big Sci}, year = 2020, volume = 1, pages = {1--2}}\n"
    )
    result = site_builder(
        "ten-thousand-authors", {"index.md": "Cited [@many] by @many.\n"}, bib={"refs.bib": bib}
    )
    assert (result.messages, result.error) == ([], None)
    html = result.html("index.md")
    text = "Author0 G, Author1 G, Author2 G, et al. A consortium paper. J Big Sci. 2020;1:1-2."
    assert (
        f'Cited <span class="bibcite-citation" id="cite-1">[<a class="bibcite-ref" '
        f'href="#ref-many" aria-label="Reference 1" title="{text}">1</a>]</span> by '
        f'<span class="bibcite-citation bibcite-narrative" id="cite-2">Author0 et al. '
        f'[<a class="bibcite-ref" href="#ref-many" aria-label="Reference 1" '
        f'title="{text}">1</a>]</span>.' in html
    )
    assert f'<li id="ref-many" value="1"><span class="bibcite-entry">{text}</span>' in html
    assert "Author3" not in html


def test_a_page_with_two_thousand_citations(site_builder):
    bib = "".join(
        f"@article{{k{index}, author = {{Author{index}, A}}, title = {{Title {index}}}, "
        f"journal = {{J}}, year = 2000}}\n"
        for index in range(100)
    )
    sentences = [f"Text [@k{n % 100}]." for n in range(2000)]
    page = "\n\n".join(" ".join(sentences[i : i + 20]) for i in range(0, 2000, 20)) + "\n"
    result = site_builder("two-thousand-citations", {"index.md": page}, bib={"refs.bib": bib})
    assert (result.messages, result.error) == ([], None)
    html = result.html("index.md")
    citations = re.findall(
        r'<span class="bibcite-citation" id="cite-(\d+)">\[<a class="bibcite-ref" '
        r'href="#ref-k(\d+)" aria-label="Reference \d+" title="[^"]*">(\d+)</a>\]</span>',
        html,
    )
    assert citations == [(str(n + 1), str(n % 100), str(n % 100 + 1)) for n in range(2000)]
    # Each reference: cited 20 times, back-links a..t to its citations in order.
    backlinks = " ".join(
        f'<a href="#cite-{1 + 100 * i}" aria-label="Back to citation {label}">{label}</a>'
        for i, label in enumerate("abcdefghijklmnopqrst")
    )
    assert (
        '<li id="ref-k0" value="1"><span class="bibcite-entry">Author0 A. Title 0. J. 2000.</span> '
        f'<span class="bibcite-backlinks">&#8617; {backlinks}</span></li>' in html
    )
    assert html.count("<li id=") == 100


def test_each_use_of_an_undefined_macro_is_reported_at_its_own_line(tmp_path):
    bibliography = load_text(
        tmp_path,
        "@article{a, journal = jbio, year = 2001}\n"
        "@article{b,\n  journal = {J} # jbio,\n  year = 2002}\n"
        "@article{c, journal = JBio, note = other}\n",
        "macros.bib",
    )
    assert [(problem.line, problem.message) for problem in bibliography.problems] == [
        (1, "undefined @string macro 'jbio'; its name is shown in its place"),
        (3, "undefined @string macro 'jbio'; its name is shown in its place"),
        (5, "undefined @string macro 'JBio'; its name is shown in its place"),
        (5, "undefined @string macro 'other'; its name is shown in its place"),
    ]
    assert [entry.fields["journal"] for entry in bibliography.entries.values()] == [
        "jbio",
        "Jjbio",
        "JBio",
    ]


# --- @string macros that grow without bound -----------------------------------------------------


def test_chained_macro_doublings_stop_at_a_bound_naming_the_macro_at_its_line(tmp_path):
    """m0 is 32 characters and each m(n) is m(n-1) twice: m15 would pass 1,000,000."""
    text = (
        '@string{m0 = "' + "x" * 32 + '"}\n'
        + "".join(f"@string{{m{n} = m{n - 1} # m{n - 1}}}\n" for n in range(1, 27))
        + "@article{a, title = m26, journal = {J}, year = 2001}\n"
    )
    bibliography = load_text(tmp_path, text)
    assert [str(problem) for problem in bibliography.problems] == [
        f"refs.bib:{n + 1}: the @string macro 'm{n - 1}' would make this value longer than "
        "1,000,000 characters; its name is shown in its place [macro_too_long] — use each macro "
        "once in a value: a macro that holds another twice doubles it"
        for n in range(15, 27)
    ]
    # m14 in full, then each macro cut short, by name.
    names = "".join(f"m{n}" for n in range(14, 26))
    assert bibliography.entries["a"].fields["title"] == "x" * 524_288 + names


def test_macros_expanding_past_the_total_bound_are_reported_once(tmp_path):
    big = "y" * 900_000
    entries = "".join(
        f"@article{{e{n},\n  title = big,\n  journal = {{J}}, year = 2001}}\n" for n in range(20)
    )
    bibliography = load_text(tmp_path, f'@string{{big = "{big}"}}\n' + entries)
    assert [str(problem) for problem in bibliography.problems] == [
        "refs.bib:54: the @string macro 'big' would make the bibliography's macros in all longer "
        "than 16,000,000 characters; its name is shown in its place [macro_too_long] — use each "
        "macro once in a value: a macro that holds another twice doubles it"
    ]
    titles = [bibliography.entries[f"e{n}"].fields["title"] for n in range(20)]
    assert titles == [big] * 17 + ["big"] * 3


# --- every message at its line -------------------------------------------------------------------


def test_a_name_with_too_many_commas_is_reported_at_its_field(tmp_path):
    bibliography = load_text(
        tmp_path,
        "@article{ok, author = {Doe, J}, title = {T}}\n\n"
        "@article{a,\n  title  = {T},\n  author = {Alpha, B and a, b, c, d},\n  year = 2001}\n",
    )
    assert [str(problem) for problem in bibliography.problems] == [
        "refs.bib:5: entry 'a': the name 'a, b, c, d' in the author field has more than two "
        "commas [bibfile_error] — write each name as 'Last, First' or 'Last, Jr, First', "
        "names separated by 'and'"
    ]


def test_an_entry_without_fields_has_its_file_and_line(site_builder):
    result = site_builder(
        "no-fields",
        {"index.md": "[@nocomma]\n"},
        bib={"refs.bib": "@article{a, title = {T}}\n\n@article{nocomma}\n"},
        strict=False,
    )
    assert result.warnings == [
        "bibcite: refs.bib:3: entry 'nocomma' lacks author, title, journal, year, which the "
        "style needs; its reference shows what it has [missing_field] — add the fields to the "
        "entry"
    ]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_lines_are_counted_with_any_line_ending(tmp_path, newline):
    text = newline.join(
        [
            "@article{a, title = {T}}",
            "",
            "@article{b,",
            "  journal = jx,",
            "  title   = {U},",
            "  title   = {V}}",
            "",
            "@article{c,",
            "  title = {W",
            "",
            "@article{d, title = {X}}",
            "",
        ]
    )
    bibliography = load_text(tmp_path, text)
    assert [str(problem) for problem in bibliography.problems] == [
        "refs.bib:6: entry 'b' has the field 'title' twice; the first one is used "
        "[duplicate_field] — delete one of them",
        "refs.bib:11: BibTeX syntax error in entry 'c' (line 8): premature end of file; the "
        "entry may be incomplete [bibfile_error] — check the braces, quotes and commas of that "
        "entry",
        "refs.bib:4: undefined @string macro 'jx'; its name is shown in its place "
        '[undefined_macro] — define it with @string{jx = "..."} or put the value in braces',
    ]
    assert {key: source.line for key, source in bibliography.sources.items()} == {
        "a": 1,
        "b": 3,
        "c": 8,
    }


# --- control characters --------------------------------------------------------------------------


def test_control_characters_are_dropped_with_a_warning_at_the_first(site_builder):
    bib = (
        "@article{a, author = {Doe, J}, title = {Ti\x00tle}, journal = {J}, year = 2000}\n"
        "@article{b\x00c, author = {Roe, R}, title = {Bell\x07 and \x1b[31m}, journal = {J},\n"
        "  year = 2001}\n"
    )
    result = site_builder(
        "control", {"index.md": "[@a] [@bc]\n"}, bib={"refs.bib": bib}, strict=False
    )
    assert result.warnings == [
        "bibcite: refs.bib:1: 4 control characters (U+0000, U+0007, U+001B) dropped, the first "
        "on this line [control_character] — delete them from the file: they are invisible, and "
        "not allowed in HTML"
    ]
    html = result.html("index.md")
    assert "Doe J. Title. J. 2000." in html
    entry = '<li id="ref-bc" value="2"><span class="bibcite-entry">Roe R. Bell and [31m. J. 2001.'
    assert entry in html
    assert re.search("[\x00-\x08\x0b\x0e-\x1f\x7f]", html) is None
    assert result.site.root.joinpath("refs.bib").read_text(encoding="utf-8") == bib
