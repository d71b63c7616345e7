"""MkDocs hook for bench/mechanisms.py: bibcite fills each page when MkDocs hands it over,
instead of filling every page in one pass ahead."""

from bibcite.mkdocs.session import Session

Session._fill_ahead = lambda self, files: None  # take() then fills each page on its own
