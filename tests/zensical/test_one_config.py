"""One mkdocs.yml for both hosts: the plugin's options and the Zensical extension's are one block
(a YAML anchor), and under MkDocs the plugin takes the extension's entry out, so nothing runs
twice."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.utils.yaml import yaml_load

REPO = Path(__file__).resolve().parents[2]


def test_the_site_gives_both_hosts_the_same_options():
    with open(REPO / "mkdocs.yml", encoding="utf-8") as stream:
        raw = yaml_load(stream)
    plugin = next(
        item["bibcite"] for item in raw["plugins"] if isinstance(item, dict) and "bibcite" in item
    )
    extension = next(
        item["bibcite.zensical"]
        for item in raw["markdown_extensions"]
        if isinstance(item, dict) and "bibcite.zensical" in item
    )
    assert extension == plugin
    assert {"docs", "bibliography"} <= set(raw["watch"])


def test_mkdocs_drops_the_zensical_entry(monkeypatch):
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(REPO / "mkdocs.yml"))
    assert "bibcite.zensical" in config.markdown_extensions  # as written
    config = config.plugins.on_config(config)
    assert "bibcite.zensical" not in config.markdown_extensions
    assert "bibcite.zensical" not in config.mdx_configs
    assert os.path.basename(config.config_file_path) == "mkdocs.yml"
