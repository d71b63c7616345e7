"""bibcite: build-time citations for MkDocs from BibTeX (pandoc syntax, Vancouver style)."""
