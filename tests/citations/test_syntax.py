"""The citation grammar on its own: pandoc's rules for keys, groups, prefixes and locators."""

import pytest

from bibcite.citations.syntax import CitationGroup, CitationItem, narrative, parse_bracketed


def test_single_key():
    assert parse_bracketed("@christopeit2008") == CitationGroup((CitationItem("christopeit2008"),))


def test_several_keys_separated_by_semicolons():
    assert parse_bracketed("@a; @b;@c").keys == ("a", "b", "c")


def test_prefix_and_locator_are_kept_per_item():
    group = parse_bracketed("see @doe99, pp. 33-35; also @smith04, chap. 1")
    assert group.items == (
        CitationItem("doe99", prefix="see", locator="pp. 33-35"),
        CitationItem("smith04", prefix="also", locator="chap. 1"),
    )
    assert group.has_affixes


def test_locator_without_comma():
    assert parse_bracketed("@doe99 p. 4").items[0].locator == "p. 4"


def test_suppressed_author():
    assert parse_bracketed("-@doe99").items[0].suppress_author


@pytest.mark.parametrize(
    "written, key",
    [
        ("@doe:2008.a", "doe:2008.a"),
        ("@Smith_2004", "Smith_2004"),
        ("@10.1038/sj", "10.1038/sj"),
        ("@a#b$c%d&e-f+g?h<i>j~k/l", "a#b$c%d&e-f+g?h<i>j~k/l"),
        ("@{odd;key(with)<anything>}", "odd;key(with)<anything>"),
        ("@{a{b}c}", "a{b}c"),
        ("@Foo_bar--baz", "Foo_bar"),  # punctuation inside a key needs a letter or digit next
        ("@k</sup>", "k"),
        ("@http://x.org/a", "http://x.org/a"),
        ("@doe99.", "doe99"),  # trailing punctuation is not part of the key
        ("@doe99:", "doe99"),
    ],
)
def test_keys_follow_pandoc(written, key):
    assert parse_bracketed(written).keys == (key,)


@pytest.mark.parametrize(
    "inner",
    ["", "just text", "mail me at a@b.org", "@", "@a; no key here", "x@y"],
)
def test_text_that_is_not_a_citation(inner):
    assert parse_bracketed(inner) is None


def test_narrative_with_locator():
    assert narrative("{odd key}", " p.  4 ") == CitationGroup(
        (CitationItem("odd key", locator="p. 4"),), narrative=True
    )
