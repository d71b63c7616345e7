"""Remote bibliographies (http/https), against a local server the test starts: revalidation with
304, going offline, a 404, a slow server, an oversized response; and whole-site builds."""

from __future__ import annotations

import pytest
from conftest import build_once, build_site, new_process
from remote_server import Served, serving

from bibcite.bibliography import disk_cache, remote
from bibcite.bibliography.load import BibliographyCache
from bibcite.bibliography.remote import Downloads, RemoteError

BIB = b"@book{ames, author = {Ames, A.}, title = {Alpha}, publisher = {P}, year = {2001}}\n"


def cache_in(tmp_path):
    return disk_cache.opened(None, str(tmp_path))


def test_a_second_process_revalidates_and_the_server_answers_304(tmp_path):
    with serving(Served({"/refs.bib": BIB})) as served:
        url = served.url("/refs.bib")
        assert Downloads().get(url, cache_in(tmp_path)) == (BIB, [])
        assert Downloads().get(url, cache_in(tmp_path)) == (BIB, [])  # a new build's process
        served.files["/refs.bib"] = BIB.replace(b"Alpha", b"Omega")
        assert Downloads().get(url, cache_in(tmp_path))[0].count(b"Omega") == 1
    assert served.answers == [("/refs.bib", 200), ("/refs.bib", 304), ("/refs.bib", 200)]


def test_one_process_asks_again_only_after_the_recheck_interval(tmp_path, monkeypatch):
    with serving(Served({"/refs.bib": BIB})) as served:
        downloads, url = Downloads(), served.url("/refs.bib")
        for _ in range(3):  # serve's rebuilds
            assert downloads.get(url, cache_in(tmp_path)) == (BIB, [])
        assert len(served.answers) == 1
        monkeypatch.setattr(remote, "RECHECK_AFTER", 0.0)
        downloads.get(url, cache_in(tmp_path))
    assert served.answers == [("/refs.bib", 200), ("/refs.bib", 304)]


def test_offline_the_cached_copy_is_used_with_a_warning(tmp_path):
    with serving(Served({"/refs.bib": BIB})) as served:
        url = served.url("/refs.bib")
        Downloads().get(url, cache_in(tmp_path))
    data, notes = Downloads().get(url, cache_in(tmp_path))  # the server is gone
    assert data == BIB
    assert len(notes) == 1
    message = str(notes[0])
    assert message.startswith(
        f"{url}: cannot download the bibliography: the server cannot be reached ("
    )
    assert "; the copy downloaded on " in message
    assert message.endswith(
        "is used [remote_error] — check the address and the network; the next build tries again"
    )


def test_offline_with_no_cached_copy_is_an_error_saying_what_to_do(tmp_path):
    with serving(Served()) as served:
        url = served.url("/refs.bib")
    with pytest.raises(RemoteError) as raised:
        Downloads().get(url, cache_in(tmp_path))
    message = str(raised.value)
    assert message.startswith(f"{url}: cannot download the bibliography: the server cannot be")
    assert message.endswith(
        ", and no copy is cached [remote_error] — check the address and the network and build "
        "again, or download the file and name its path in the bibcite option 'bibliography'"
    )


def test_a_404_names_the_status(tmp_path):
    with serving(Served()) as served:
        url = served.url("/gone.bib")
        with pytest.raises(RemoteError) as raised:
            Downloads().get(url, cache_in(tmp_path))
    assert str(raised.value).startswith(
        f"{url}: cannot download the bibliography: the server answered 404 Not Found, and no "
        "copy is cached"
    )


def test_a_slow_server_times_out(tmp_path):
    with serving(Served({"/refs.bib": BIB}, delay=2.0)) as served:
        url = served.url("/refs.bib")
        with pytest.raises(RemoteError) as raised:
            Downloads().get(url, cache_in(tmp_path), timeout=0.5)
    assert "cannot download the bibliography: no answer within 0.5 seconds" in str(raised.value)


def test_an_oversized_response_is_refused(tmp_path):
    big = BIB * (remote.SIZE_LIMIT // len(BIB) + 1)
    with serving(Served({"/big.bib": big})) as served:
        url = served.url("/big.bib")
        with pytest.raises(RemoteError) as raised:
            Downloads().get(url, cache_in(tmp_path))
    assert (
        f"cannot download the bibliography: it is {len(big):,} bytes, more than the limit of "
        f"{remote.SIZE_LIMIT:,}, and no copy is cached"
    ) in str(raised.value)
    assert not list(tmp_path.glob(".cache/bibcite/remote-*"))  # nothing kept


def test_a_cache_file_changed_on_disk_is_not_trusted(tmp_path):
    with serving(Served({"/refs.bib": BIB})) as served:
        url = served.url("/refs.bib")
        Downloads().get(url, cache_in(tmp_path))
        (stored,) = (tmp_path / ".cache/bibcite").glob("remote-*.json")
        stored.write_bytes(stored.read_bytes().replace(b'"body": "', b'"body": "QUJD'))
        assert Downloads().get(url, cache_in(tmp_path)) == (BIB, [])
    assert served.answers == [("/refs.bib", 200), ("/refs.bib", 200)]  # fetched again, not 304


def test_the_downloaded_text_is_parsed_like_a_file_and_its_errors_name_the_address(tmp_path):
    broken = BIB + b"\n@book{bell, title = {Beta}, year = 2002\n"
    with serving(Served({"/refs.bib": broken})) as served:
        url = served.url("/refs.bib")
        bibliography, _ = BibliographyCache().get([url], encoding="utf-8", base_dir=str(tmp_path))
    assert "ames" in bibliography.entries
    assert bibliography.where("ames") == f"{url}:1"
    assert [(p.where, p.line, p.category) for p in bibliography.problems] == [
        (url, 4, "bibfile_error")
    ]


def test_a_whole_site_build_cites_from_an_address_and_rebuilds_offline(tmp_path):
    pages = {"index.md": "# Home\n\nAs shown [@ames].\n"}
    with serving(Served({"/refs.bib": BIB})) as served:
        url = served.url("/refs.bib")
        first = build_site(tmp_path, pages, bib={}, options={"bibliography": [url]})
    assert (first.error, first.warnings) == (None, [])
    assert "Ames A. Alpha. P; 2001." in first.text("index.md")
    new_process()  # a new `mkdocs build`, with the server gone
    messages, error = build_once(first.site.load(strict=False))
    assert error is None
    assert len(messages) == 1 and messages[0].startswith(
        f"WARNING: bibcite: {url}: cannot download the bibliography: the server cannot be reached"
    )
    assert "Ames A. Alpha. P; 2001." in first.site.text("index.md")


def test_a_whole_site_build_with_no_copy_stops_with_the_message(tmp_path, caplog):
    with serving(Served()) as served:
        url = served.url("/refs.bib")
        result = build_site(
            tmp_path, {"index.md": "# Home\n"}, bib={}, options={"bibliography": url}
        )
    assert str(result.error) == "Aborted with a BuildError!"
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        f"bibcite: {url}: cannot download the bibliography: the server answered 404 Not Found, "
        "and no copy is cached [remote_error] — check the address and the network and build "
        "again, or download the file and name its path in the bibcite option 'bibliography'"
    ]
