"""MkDocs hook for bench/mechanisms.py: bibcite escapes, makes ids and decodes LaTeX each time
it is asked, instead of remembering recent answers."""

from bibcite.citations import render
from bibcite.styles import vancouver

for module, name in (
    (render, "escape"),
    (render, "ref_id"),
    (vancouver, "_decoded_word"),
    (vancouver, "_decode"),
):
    setattr(module, name, getattr(module, name).__wrapped__)
