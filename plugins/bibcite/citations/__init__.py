"""Citations: syntax, Markdown extension, per-page registry, numbering, rendering, placeholders."""
