"""Zotero libraries through the web API's BibTeX export, against a local server the test starts
that answers as the API does: pages of 100 joined, the API key sent from the environment and
kept nowhere, revalidation with 304, going offline, a library that changes while it is read,
the size limit over all pages; the item's and the option's checks; a whole-site build."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import build_once, build_site, new_process
from remote_server import Library, Served, serving

from bibcite import checks
from bibcite.bibliography import disk_cache
from bibcite.bibliography.load import BibliographyCache
from bibcite.bibliography.remote import Downloads, RemoteError
from bibcite.bibliography.zotero import Library as ZoteroLibrary

KEY = "P9NiFoyLeZu2bZNvvuQPDWsd"


def entries(count: int, title: str = "Title") -> list[bytes]:
    return [
        f"@book{{item{n:03d}, author = {{Author, A.}}, title = {{{title} {n}}}, "
        f"publisher = {{P}}, year = {{2001}}}}\n".encode()
        for n in range(1, count + 1)
    ]


def cache_in(tmp_path):
    return disk_cache.opened(None, str(tmp_path))


def starts(served: Served) -> list[int]:
    return [
        int(dict(parse_qsl(urlsplit(path).query)).get("start", "0"))
        for path, _ in served.requests
    ]


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv("ZOTERO_API_KEY", raising=False)


def test_a_library_of_250_items_is_read_in_three_pages_and_joined(tmp_path):
    with serving(Served(zotero={"/users/475425": Library(entries(250))})) as served:
        library = ZoteroLibrary("zotero:users/475425", served.url(""))
        data, notes = Downloads().get(library, cache_in(tmp_path))
    assert notes == []
    assert data.count(b"@book{") == 250
    assert data.index(b"item001") < data.index(b"item100") < data.index(b"item101")
    assert data.rstrip().endswith(b"{Title 250}, publisher = {P}, year = {2001}}")
    assert starts(served) == [0, 100, 200]
    assert [status for _, status in served.answers] == [200, 200, 200]
    first, headers = served.requests[0]
    assert urlsplit(first).path == "/users/475425/items/top"
    assert dict(parse_qsl(urlsplit(first).query)) == {
        "format": "bibtex", "limit": "100", "sort": "dateAdded", "direction": "asc"
    }
    assert all(sent["Zotero-API-Version"] == "3" for _, sent in served.requests)
    assert not any("Zotero-API-Key" in sent for _, sent in served.requests)


def test_a_collection_of_a_group_is_read_from_its_own_path(tmp_path):
    path = "/groups/2034876/collections/ABCD1234"
    with serving(Served(zotero={path: Library(entries(3))})) as served:
        library = ZoteroLibrary(f"zotero:{path[1:]}", served.url(""))
        data, _ = Downloads().get(library, cache_in(tmp_path))
    assert data.count(b"@book{") == 3
    assert [urlsplit(request).path for request, _ in served.requests] == [f"{path}/items/top"]


def test_the_api_key_comes_from_the_environment_and_is_kept_nowhere(tmp_path, monkeypatch):
    with serving(Served(zotero={"/groups/1": Library(entries(150), key=KEY)})) as served:
        library = ZoteroLibrary("zotero:groups/1", served.url(""))
        with pytest.raises(RemoteError) as refused:
            Downloads().get(library, cache_in(tmp_path))
        monkeypatch.setenv("ZOTERO_API_KEY", KEY)
        data, _ = Downloads().get(library, cache_in(tmp_path))
    assert str(refused.value) == (
        "zotero:groups/1: cannot download the Zotero library: the server answered 403 "
        "Forbidden, and no copy is cached [remote_error] — check the library's ID, the network "
        "and, for a private library, the environment variable ZOTERO_API_KEY (an API key that "
        "may read it), and build again; or export the library as a .bib file and name its path "
        "in the bibcite option 'bibliography'"
    )
    assert data.count(b"@book{") == 150
    assert [sent.get("Zotero-API-Key") for _, sent in served.requests] == [None, KEY, KEY]
    assert not any("Authorization" in sent for _, sent in served.requests)
    kept = [path for path in (tmp_path / ".cache").rglob("*") if path.is_file()]
    assert any(path.name.startswith("remote-") for path in kept)
    assert not any(KEY.encode() in path.read_bytes() for path in kept)


def test_a_key_with_spaces_is_refused_without_showing_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOTERO_API_KEY", "P9Ni Foy\nLeZu")
    with (
        serving(Served(zotero={"/users/1": Library(entries(1))})) as served,
        pytest.raises(RemoteError) as raised,
    ):
        Downloads().get(ZoteroLibrary("zotero:users/1", served.url("")), cache_in(tmp_path))
    assert served.requests == []
    assert "ZOTERO_API_KEY holds characters no API key has" in str(raised.value)
    assert "P9Ni" not in str(raised.value)


def test_a_second_build_revalidates_and_the_api_answers_304(tmp_path):
    library = Library(entries(250), version=7)
    with serving(Served(zotero={"/users/475425": library})) as served:
        source = ZoteroLibrary("zotero:users/475425", served.url(""))
        first, _ = Downloads().get(source, cache_in(tmp_path))
        again, notes = Downloads().get(source, cache_in(tmp_path))  # a new build's process
        assert (again, notes) == (first, [])
        library.entries[0] = library.entries[0].replace(b"Title 1}", b"Changed}")
        library.version = 8
        changed, _ = Downloads().get(source, cache_in(tmp_path))
    assert b"{Changed}" in changed and b"{Changed}" not in first
    assert [status for _, status in served.answers] == [200, 200, 200, 304, 200, 200, 200]
    conditions = [sent.get("If-Modified-Since-Version") for _, sent in served.requests]
    assert conditions == [None, None, None, "7", "7", None, None]


def test_offline_the_cached_library_is_used_with_a_warning(tmp_path):
    with serving(Served(zotero={"/users/475425": Library(entries(120))})) as served:
        source = ZoteroLibrary("zotero:users/475425", served.url(""))
        cached, _ = Downloads().get(source, cache_in(tmp_path))
    data, notes = Downloads().get(source, cache_in(tmp_path))  # the server is gone
    assert data == cached
    assert len(notes) == 1
    message = str(notes[0])
    assert message.startswith(
        "zotero:users/475425: cannot download the Zotero library: the server cannot be reached ("
    )
    assert "; the copy downloaded on " in message
    assert message.endswith(
        "is used [remote_error] — check the network and the environment variable "
        "ZOTERO_API_KEY; the next build tries again"
    )


def test_offline_with_no_cached_library_is_an_error_saying_what_to_do(tmp_path):
    with serving(Served()) as served:
        source = ZoteroLibrary("zotero:users/475425", served.url(""))
    with pytest.raises(RemoteError) as raised:
        Downloads().get(source, cache_in(tmp_path))
    message = str(raised.value)
    assert message.startswith(
        "zotero:users/475425: cannot download the Zotero library: the server cannot be reached"
    )
    assert message.endswith(
        ", and no copy is cached [remote_error] — check the library's ID, the network and, for "
        "a private library, the environment variable ZOTERO_API_KEY (an API key that may read "
        "it), and build again; or export the library as a .bib file and name its path in the "
        "bibcite option 'bibliography'"
    )


def test_a_busy_api_is_waited_for_as_it_asks(tmp_path, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("bibcite.bibliography.remote.pause", waits.append)
    busy = Library(entries(150), busy=["2"], backoff="1")
    with serving(Served(zotero={"/users/1": busy})) as served:
        library = ZoteroLibrary("zotero:users/1", served.url(""))
        data, notes = Downloads().get(library, cache_in(tmp_path))
    assert (data.count(b"@book{"), notes) == (150, [])
    assert [status for _, status in served.answers] == [429, 200, 200]
    # Retry-After: 2 before the first page again; Backoff: 1 before the second page.
    assert waits == [2, 1]


@pytest.mark.parametrize(
    ("retry_after", "said"),
    [
        ("3600", "the server answered 429 Too Many Requests and asks to wait 3,600 s"),
        ("", "the server answered 429 Too Many Requests"),
    ],
)
def test_a_wait_too_long_or_unsaid_is_an_error_saying_to_build_later(
    tmp_path, monkeypatch, retry_after, said
):
    monkeypatch.setattr("bibcite.bibliography.remote.pause", pytest.fail)
    with serving(Served(zotero={"/users/1": Library(entries(3), busy=[retry_after])})) as served:
        library = ZoteroLibrary("zotero:users/1", served.url(""))
        with pytest.raises(RemoteError) as raised:
            Downloads().get(library, cache_in(tmp_path))
    assert str(raised.value).startswith(
        f"zotero:users/1: cannot download the Zotero library: {said}; build again later, and no "
        "copy is cached [remote_error]"
    )


def test_busy_again_after_the_wait_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr("bibcite.bibliography.remote.pause", lambda seconds: None)
    with serving(Served(zotero={"/users/1": Library(entries(3), busy=["1", "1"])})) as served:
        library = ZoteroLibrary("zotero:users/1", served.url(""))
        with pytest.raises(RemoteError) as raised:
            Downloads().get(library, cache_in(tmp_path))
    assert str(raised.value).startswith(
        "zotero:users/1: cannot download the Zotero library: the server answered 429 Too Many "
        "Requests again after the wait it asked, and no copy is cached"
    )


def test_a_library_changed_while_its_pages_are_read_is_read_again(tmp_path):
    library = Library(entries(250), version=1)

    def edit_once(path: str) -> None:
        if library.version == 1 and "start=" not in path:  # after the first page
            library.entries[-1] = library.entries[-1].replace(b"Title 250", b"Edited")
            library.version = 2

    with serving(Served(zotero={"/users/1": library}, after=edit_once)) as served:
        source = ZoteroLibrary("zotero:users/1", served.url(""))
        data, _ = Downloads().get(source, cache_in(tmp_path))
    assert starts(served) == [0, 100, 0, 100, 200]
    assert b"{Edited}" in data and data.count(b"@book{") == 250


def test_a_next_page_on_another_host_is_not_followed(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOTERO_API_KEY", KEY)
    with serving(Served()) as elsewhere:
        library = Library(entries(150), next_page_at=elsewhere.url(""))
        with serving(Served(zotero={"/users/1": library})) as served:
            source = ZoteroLibrary("zotero:users/1", served.url(""))
            with pytest.raises(RemoteError) as raised:
                Downloads().get(source, cache_in(tmp_path))
    assert elsewhere.requests == []
    assert (
        "cannot download the Zotero library: its next page is announced at another address "
        "(http://127.0.0.1), which bibcite does not follow, and no copy is cached"
    ) in str(raised.value)


def test_a_redirect_is_followed_without_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOTERO_API_KEY", KEY)
    with serving(Served(zotero={"/users/1": Library(entries(2))})) as elsewhere:
        moved = Library([], moved_to=elsewhere.url(""))
        with serving(Served(zotero={"/users/1": moved})) as served:
            source = ZoteroLibrary("zotero:users/1", served.url(""))
            data, _ = Downloads().get(source, cache_in(tmp_path))
    assert data.count(b"@book{") == 2
    assert [headers.get("Zotero-API-Key") for _, headers in served.requests] == [KEY]
    assert [headers.get("Zotero-API-Key") for _, headers in elsewhere.requests] == [None]
    assert [headers.get("Zotero-API-Version") for _, headers in elsewhere.requests] == ["3"]


def test_the_size_limit_counts_every_page(tmp_path):
    two_pages = sum(len(entry) for entry in entries(200))  # the third page passes the limit
    with serving(Served(zotero={"/users/1": Library(entries(250))})) as served:
        source = ZoteroLibrary("zotero:users/1", served.url(""))
        with pytest.raises(RemoteError) as raised:
            Downloads().get(source, cache_in(tmp_path), limit=two_pages + 1)
    assert starts(served) == [0, 100, 200]
    assert (
        f"cannot download the Zotero library: it is more than the limit of {two_pages + 1:,} "
        "bytes, "
        "and no copy is cached"
    ) in str(raised.value)
    assert not list(tmp_path.glob(".cache/bibcite/remote-*"))  # nothing kept


def test_a_slow_api_times_out(tmp_path):
    with serving(Served(zotero={"/users/1": Library(entries(1))}, delay=2.0)) as served:
        source = ZoteroLibrary("zotero:users/1", served.url(""))
        with pytest.raises(RemoteError) as raised:
            Downloads().get(source, cache_in(tmp_path), timeout=0.5)
    assert "cannot download the Zotero library: no answer within 0.5 seconds" in str(raised.value)


def test_the_export_is_parsed_like_a_file_and_its_errors_name_the_library(tmp_path):
    broken = [*entries(2), b"@book{bell, title = {Beta}, year = 2002\n"]
    with serving(Served(zotero={"/users/1": Library(broken)})) as served:
        bibliography, _ = BibliographyCache().get(
            ["zotero:users/1"], encoding="utf-8", base_dir=str(tmp_path), zotero_api=served.url("")
        )
    assert bibliography.where("item002") == "zotero:users/1:2"
    assert [(p.where, p.line, p.category) for p in bibliography.problems] == [
        ("zotero:users/1", 4, "bibfile_error")  # at the end, where its brace is missing
    ]


@pytest.mark.parametrize(
    "item",
    [
        "zotero:user/475425",
        "zotero:users/abc",
        "zotero:groups/",
        "zotero:groups/1/collections/abcd1234",
        "zotero:groups/1/collection/ABCD1234",
        "Zotero:users/1/items",
    ],
)
def test_a_bad_library_lists_the_forms(item):
    with pytest.raises(ValueError) as raised:
        checks.zotero_library(item)
    assert str(raised.value) == (
        f"'{item}' is not a Zotero library; write zotero:users/<user ID> or "
        "zotero:groups/<group ID> (the numbers the Zotero web API uses), either optionally "
        "followed by /collections/<collection key> (8 capital letters and digits), e.g. "
        "zotero:groups/2034876/collections/ABCD1234."
    )


def test_the_api_option_takes_an_http_address():
    assert checks.zotero_api("http://127.0.0.1:23119/api/") == "http://127.0.0.1:23119/api"
    for bad, shown in (
        ("ftp://api.zotero.org", "ftp://api.zotero.org"),
        ("https://u:secret@api.zotero.org", "https://api.zotero.org"),
        ("https://x.org/?key=secret", "https://x.org/"),
    ):
        with pytest.raises(ValueError) as raised:
            checks.zotero_api(bad)
        assert str(raised.value) == (
            f"The address '{shown}' is not an http(s) address of a Zotero web API without a user "
            "name, password, query or fragment; give one such as https://api.zotero.org (the "
            "default)."
        )


def test_a_whole_site_build_cites_from_a_zotero_library_and_rebuilds_offline(tmp_path):
    pages = {"index.md": "# Home\n\nAs shown [@item001] and [@item250].\n"}
    with serving(Served(zotero={"/users/475425": Library(entries(250))})) as served:
        options = {"bibliography": ["zotero:users/475425"], "zotero_api": served.url("")}
        first = build_site(tmp_path, pages, bib={}, options=options)
    assert (first.error, first.warnings) == (None, [])
    assert "Author A. Title 1. P; 2001." in first.text("index.md")
    assert "Author A. Title 250. P; 2001." in first.text("index.md")
    assert len(served.requests) == 3
    new_process()  # a new `mkdocs build`, with the server gone
    messages, error = build_once(first.site.load(strict=False))
    assert error is None
    assert len(messages) == 1 and messages[0].startswith(
        "WARNING: bibcite: zotero:users/475425: cannot download the Zotero library: the server "
        "cannot be reached"
    )
    assert "Author A. Title 250. P; 2001." in first.site.text("index.md")


def test_a_latin1_site_reads_its_zotero_library_as_the_utf8_it_is(tmp_path):
    """The `encoding` option is the site's .bib files'; Zotero exports UTF-8, whatever it says."""
    latin1 = (
        "@book{local, author = {Müller, Jürgen}, title = {Über}, publisher = {P}, year = {1999}}"
    )
    exported = (
        "@book{remote, author = {Łukasiewicz, Jan and Gödel, Kurt}, title = {Logik für alle}, "
        "publisher = {P}, year = {2001}}\n"
    ).encode()
    pages = {"index.md": "# Home\n\nBoth [@local; @remote].\n"}
    with serving(Served(zotero={"/users/1": Library([exported])})) as served:
        options = {
            "bibliography": ["local.bib", "zotero:users/1"],
            "zotero_api": served.url(""),
            "encoding": "latin-1",
        }
        built = build_site(
            tmp_path, pages, bib={"local.bib": latin1.encode("latin-1")}, options=options
        )
    assert (built.error, built.warnings) == (None, [])
    text = built.text("index.md")
    assert "Müller J. Über. P; 1999." in text
    assert "Łukasiewicz J, Gödel K. Logik für alle. P; 2001." in text
