"""What a page's front matter asks of bibcite: `nocite` (entries listed without being cited, or
`"@*"` for every entry, as in pandoc) and `bibcite: {references: false}` (no reference list on
this page). Read from the page's whole source, so that messages give the file's own line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from bibcite.problems import Problem

# As MkDocs and Zensical find it: `---` on the first line, closed by `---` or `...`.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_OPTIONS = ("references",)  # under `bibcite:`
_EVERY = ("@*", "*")


@dataclass(frozen=True)
class PageOptions:
    references: bool | None = None  # None: the site's `per_page_references`
    nocite: tuple[str, ...] = ()  # keys as written, without `@`
    every_entry: bool = False  # `nocite: "@*"`
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # nocite key -> line
    problems: tuple[Problem, ...] = ()


NONE = PageOptions()


def read(source: str, shown: str) -> PageOptions:
    """The page's options from its source (front matter included); bad values are problems
    naming `shown` and the line."""
    match = _FRONT_MATTER.match(source)
    if match is None or not match[1] or ("nocite" not in match[1] and "bibcite" not in match[1]):
        return NONE
    try:
        root = yaml.compose(match[1], Loader=yaml.SafeLoader)
        values = yaml.safe_load(match[1])
    except yaml.YAMLError:
        return NONE  # the host says what is wrong with the front matter
    if not isinstance(root, yaml.MappingNode) or not isinstance(values, dict):
        return NONE
    nodes = {key.value: (key, value) for key, value in root.value if isinstance(key.value, str)}
    problems: list[Problem] = []

    def line(node: yaml.Node) -> int:
        return node.start_mark.line + 2  # the front matter starts on the file's second line

    references = None
    if "bibcite" in nodes:
        key, node = nodes["bibcite"]
        given = values.get("bibcite")
        if not isinstance(given, dict):
            problems.append(
                _problem(shown, line(key), f"'bibcite' is {given!r}, not a mapping",
                         "write e.g. 'bibcite: {references: false}'")
            )
        else:
            for name, value in given.items():
                where = next((line(k) for k, _ in node.value if k.value == name), line(key))
                if name not in _OPTIONS:
                    problems.append(
                        _problem(shown, where, f"unknown option 'bibcite: {name}'",
                                 f"use one of: {', '.join(_OPTIONS)}")
                    )
                elif not isinstance(value, bool):
                    problems.append(
                        _problem(shown, where, f"'bibcite: references' is {value!r}",
                                 "use one of: true, false")
                    )
                else:
                    references = value
    nocite: list[str] = []
    lines: dict[str, int] = {}
    every = False
    if "nocite" in nodes:
        key, node = nodes["nocite"]
        items: list[tuple[str, int]] = []
        if isinstance(node, yaml.ScalarNode) and isinstance(values.get("nocite"), str):
            # pandoc's form: `nocite: "@a, @b"` (or one key, or "@*")
            items = [(part, line(node)) for part in re.split(r"[,;\s]+", node.value) if part]
        elif isinstance(node, yaml.SequenceNode) and all(
            isinstance(item, yaml.ScalarNode) and isinstance(value, str)
            for item, value in zip(node.value, values.get("nocite") or [], strict=False)
        ) and len(node.value) == len(values.get("nocite") or []):
            items = [(item.value.strip(), line(item)) for item in node.value]
        else:
            problems.append(
                _problem(shown, line(key), f"'nocite' is {values.get('nocite')!r}",
                         "give a list of keys, e.g. 'nocite: [smith2014, jones2015]', "
                         "or '\"@*\"' for every entry")
            )
        for written, where in items:
            if written in _EVERY:
                every = True
                continue
            written = written.removeprefix("@")
            if written.startswith("{") and written.endswith("}"):
                written = written[1:-1]
            if written and written not in lines:
                lines[written] = where
                nocite.append(written)
    return PageOptions(references, tuple(nocite), every, lines, tuple(problems))


def _problem(shown: str, line: int, message: str, fix: str) -> Problem:
    return Problem("front_matter", shown, line, message, fix)
