"""CSL styles: bibcite entries as CSL-JSON for pandoc's citeproc."""
