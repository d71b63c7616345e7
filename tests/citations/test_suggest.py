"""'Did you mean …?' from an index: the same suggestions difflib gives comparing every key, for
the typos authors make; none after `LIMIT` unknown keys; and each message of a page of many
unknown keys at its own line (bench/unknown_keys.py times it)."""

from __future__ import annotations

import difflib

import pytest

from bibcite.citations import suggest
from bibcite.citations.registry import CitationRegistry
from bibcite.citations.suggest import Suggestions
from bibcite.citations.syntax import CitationGroup, CitationItem

KNOWN = [
    "Christopeit2008",
    "christopeit2008b",
    "smith2020",
    "smith2020a",
    "Smith2021",
    "jones:1999",
    "le2001",
    "a",
    "Ab",
]


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("smith2002", ["Smith2021", "smith2020"]),  # two letters swapped (difflib breaks the tie)
        ("smth2020", ["smith2020"]),  # a letter dropped
        ("smiths2020", ["smith2020", "smith2020a"]),  # a letter added
        ("SMITH2002", ["Smith2021", "smith2020"]),  # keys ignore case
        ("jones:1990", ["jones:1999"]),  # a letter changed
        ("christopeit", ["Christopeit2008", "christopeit2008b"]),  # the start of keys
        ("le2001x", ["le2001"]),  # a key and more
        ("b", ["Ab"]),
        ("zzz", []),
    ],
)
def test_keys_one_edit_away_or_sharing_a_start_ranked_by_difflib(typo, expected):
    assert Suggestions(KNOWN)(typo) == expected


def test_one_edit_typos_of_a_large_bibliography_get_difflib_s_best_match_over_every_key():
    known = [f"{name}{n}:{1990 + n % 30}" for n in range(300) for name in ("lee", "park")]
    lower = [key.lower() for key in known]
    typos = [key[:2] + "x" + key[3:] for key in known[::13]] + [key[:-1] for key in known[::17]]
    assert len(typos) <= suggest.LIMIT
    suggestions = Suggestions(known)
    for typo in typos:
        every = difflib.get_close_matches(typo, lower, n=len(known), cutoff=0.6)
        ours = suggestions(typo)
        assert ours[0] == every[0]
        assert set(ours) <= set(every)


def test_suggestions_stop_after_the_limit_of_unknown_keys():
    suggestions = Suggestions(["smith2020"])
    assert [suggestions(f"smith202{n}") for n in range(1, 4)] == [["smith2020"]] * 3
    for n in range(suggest.LIMIT - 3):
        suggestions(f"other{n}")
    assert suggestions("smith2020x") == []
    assert suggestions("SMITH2021") == ["smith2020"]  # a key already suggested for, any case


def test_each_unknown_key_of_a_long_page_at_its_line_with_its_suggestion():
    known = [f"key{n}" for n in range(1000)]
    typos = [f"kez{n}" for n in range(0, 1000, 5)]
    markdown = "# Page\n\n" + "".join(f"Text [@{typo}] and @{typo}.\n\n" for typo in typos)
    registry = CitationRegistry()
    registry.start_page("a.md", markdown, shown="docs/a.md")
    groups = [CitationGroup((CitationItem(typo),)) for typo in typos for _ in range(2)]
    registry.record_page(groups, bibliography=None)
    numbering = registry.number([], spelling={key: key for key in known}, mode="site")
    expected = [
        f"docs/a.md:{3 + 2 * index}: unknown citation key '{typo}' [key_not_found] — "
        + (f"did you mean 'key{typo[3:]}'? " if index < suggest.LIMIT else "")
        + "Fix the key, or add an entry with this key to the bibliography"
        for index, typo in enumerate(typos)
    ]
    assert [str(problem) for problem in registry.unknown_keys(numbering)] == expected
