"""The words module: every shipped language has every word English has (and the same `{names}`
in each), a locale is chosen by its primary subtag, a language without words falls back to
English and says so, the scripts' English defaults are en.toml's, and the scripts' words are
written into a page so that no word can end their element."""

from __future__ import annotations

import dataclasses
import json
import re
import string

import pytest
from bs4 import BeautifulSoup

from bibcite import assets, checks, locales
from bibcite.locales import ENGLISH, LANGUAGES, SCRIPT_WORDS, choose, read, script_json, words


def names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_shipped_languages():
    assert LANGUAGES == ("de", "en", "es", "fr", "pt")


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_file_has_every_word_of_english_and_no_other(language):
    english, found = read("en"), read(language)
    assert set(found) == set(english)
    for key, text in found.items():
        assert isinstance(text, str) and text.strip(), key
        assert names(text) == names(english[key]), key


@pytest.mark.parametrize("language", [name for name in LANGUAGES if name != "en"])
def test_each_file_is_a_translation(language):
    """Words that read the same in two languages are few ('et al.'), not most of the file."""
    english, found = read("en"), read(language)
    same = {key for key in english if found[key] == english[key]}
    # "et al.", NLM's "[Internet]" and "In:", "editor" and "p." read the same in several.
    alike = {"many_authors", "vancouver_et_al", "vancouver_internet", "vancouver_in"}
    alike |= {"vancouver_editor", "vancouver_page"}
    assert same <= alike, same


@pytest.mark.parametrize(
    ("locale", "language"),
    [("pt", "pt"), ("pt-BR", "pt"), ("PT_br", "pt"), ("en_US", "en"), ("en-US", "en"),
     ("de", "de"), ("de-CH", "de"), ("fr-CA", "fr"), ("es-419", "es")],
)
def test_a_locale_is_read_by_its_primary_subtag(locale, language):
    chosen = choose(locale)
    assert (chosen.words.language, chosen.fell_back, chosen.note) == (language, False, "")


def test_portuguese_words():
    chosen = choose("pt-BR").words
    assert (chosen.references, chosen.cited_in, chosen.back_to_citation) == (
        "Referências",
        "Citado em:",
        "Voltar à citação",
    )
    assert chosen.authors(["Smith", "Jones"]) == "Smith e Jones"
    assert chosen.authors(["Smith", "Jones", "Lee"]) == "Smith et al."
    assert chosen.authors(["Smith"], others=True) == "Smith et al."


def test_english_authors_as_before():
    assert [ENGLISH.authors(n) for n in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == [
        "", "A", "A and B", "A et al."
    ]


def test_the_option_wins_over_the_theme_and_the_theme_over_english():
    assert choose("fr", "de").words.language == "fr"
    assert choose(None, "de").words.language == "de"
    assert choose(None, None).words.language == "en"
    assert choose(None, "").words.language == "en"


def test_a_language_without_words_falls_back_to_english_and_says_so():
    chosen = choose("ja")
    assert (chosen.words, chosen.fell_back) == (ENGLISH, True)
    assert chosen.note == (
        "no words for language 'ja' (bibcite has de, en, es, fr, pt); using English"
    )
    assert choose(None, "zh-Hant").note.startswith("no words for language 'zh-Hant'")


@pytest.mark.parametrize("value", ["pt BR", "", "p", "português", "pt-", "en--US", "12"])
def test_a_malformed_locale_is_refused_naming_the_languages(value):
    with pytest.raises(ValueError) as raised:
        checks.locale(value)
    assert str(raised.value) == (
        f"'{value}' is not a language tag; give one such as 'pt-BR', 'en-US' or 'de' "
        "(bibcite has words for: de, en, es, fr, pt)"
    )


def test_an_unknown_language_has_no_file():
    with pytest.raises(KeyError):
        words("ja")


def test_the_scripts_english_defaults_are_en_toml_s():
    """Each script asks `word(name, english)`; the English given is en.toml's word."""
    bundle = assets.bundle(".js")
    asked = dict(re.findall(r'word\(\s*"(\w+)",\s*"([^"]*)"\s*\)', bundle))
    assert asked == {key: getattr(ENGLISH, key) for key in SCRIPT_WORDS}


def test_english_pages_carry_no_script_words():
    assert script_json(ENGLISH) == ""


def test_the_script_words_cannot_end_their_element():
    hostile = dataclasses.replace(
        words("pt"), copied="</script><script>alert(1)</script> & <!--"
    )
    written = script_json(hostile)
    assert "</script>" not in written[: -len("</script>")]
    assert "<!--" not in written
    page = BeautifulSoup(f"<div>{written}</div>", "html.parser")
    element = page.find("script", id=locales.SCRIPT_ID)
    assert element["type"] == "application/json"
    assert json.loads(element.string)["copied"] == "</script><script>alert(1)</script> & <!--"
