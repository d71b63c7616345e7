"""Publishing: the work's record, .bib/.ris downloads, Google Scholar tags, JSON-LD, "Cite this"."""
