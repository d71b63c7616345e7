"""Search links for a reference that has no verified identifier: a PubMed or Google Scholar search
for its title, worded as a search so that it never passes for a DOI or PMID link."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from bibcite.locales import ENGLISH, Words
from bibcite.styles import escaping

# The services an author may name in `search_links`, in the order their links are shown: each
# its link's words (a name in bibcite.locales.Words) and the search URL, before the encoded query.
SERVICES: dict[str, tuple[str, str, str]] = {
    # name: (link text, search URL, query parameter)
    "pubmed": ("search_pubmed", "https://pubmed.ncbi.nlm.nih.gov/", "term"),
    "scholar": ("search_scholar", "https://scholar.google.com/scholar", "q"),
}
# The fields that count as an identifier: an entry with either keeps its direct links only.
IDENTIFIERS = ("doi", "pmid")


def search_url(service: str, title: str) -> str:
    """The service's search for the title (Scholar's as a phrase, in quotes; PubMed's as the
    words, which its citation matcher takes for a title), the query percent-encoded."""
    _, base, parameter = SERVICES[service]
    query = f'"{title}"' if service == "scholar" else title
    return f"{base}?{urlencode({parameter: query})}"


def links_html(services: Sequence[str], title: str, words: Words = ENGLISH) -> str:
    """The links as HTML (empty without a title or a service): URLs and words escaped."""
    title = " ".join(title.split())
    if not (services and title):
        return ""
    links = " &#183; ".join(
        f'<a href="{escaping.escape(search_url(name, title))}" rel="nofollow">'
        f"{escaping.escape(getattr(words, SERVICES[name][0]))}</a>"
        for name in services
    )
    return f' <span class="bibcite-search">{links}</span>'
