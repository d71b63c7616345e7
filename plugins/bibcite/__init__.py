"""bibcite: build-time citations from BibTeX (pandoc syntax, Vancouver style by default).

A core that needs no site generator, in parts along the data flow: `bibliography` (reading .bib
files), `citations` (finding, numbering and rendering them), `styles` (formatting references),
`tables` (the literature table), `publishing` (downloads and metadata) and `assets` (the readers'
CSS and JS); `problems` is the shape of every message. A host adapts it to a site generator:
`mkdocs` (the MkDocs plugin) and `zensical` (a Markdown extension for Zensical). Subpackages
import nothing until used, so a cached build loads only what it needs.
"""
