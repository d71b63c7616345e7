"""Reference styles: the Vancouver pybtex style, entry formatting, the HTML backend, escaping."""
