"""The literature table: CSV data and options, the Markdown block, site numbering, CSV download."""
