"""The MkDocs host, the only part that imports mkdocs: plugin class, build session, config."""
