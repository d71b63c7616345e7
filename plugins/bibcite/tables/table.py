"""The literature table: its data file (CSV, one row per report, the citation key first), the
block's options, validation of both, and their rendering as an element tree (for the page, with
citation placeholders) and as CSV (for the download, references expanded).

Pure functions returning `Problem`s; nothing here logs, reads MkDocs state or knows the page.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import reprlib
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from markdown.util import AtomicString

from bibcite.citations.extension import BRACKETED_RE, NARRATIVE_RE
from bibcite.citations.syntax import CitationGroup, narrative, parse_bracketed
from bibcite.locales import ENGLISH, Words
from bibcite.problems import Problem
from bibcite.tables.cells import CellMarkdown, hide_braces

if TYPE_CHECKING:
    from bibcite.styles.formatter import ReferenceFormatter

KEY_COLUMN = "key"
LABEL_COLUMN = "label"  # optional: a row label template, e.g. "This case ({year})"
DEFAULT_LABEL = "{authors} {year}"
# In English; a site in another language has its words' (bibcite.locales).
DEFAULT_MISSING = ENGLISH.not_reported
DEFAULT_LEGEND = ENGLISH.not_reported_legend
OPTION_NAMES = ("data", "columns", "order", "first_column", "missing", "legend", "download")

# Where a citation can sit in a cell: the same patterns as in the page's text.
_CITATION = re.compile(f"{BRACKETED_RE}|{NARRATIVE_RE}")


# What a message echoes of the author's input is bounded: a YAML alias bomb in the block's
# options, or a long first line, would otherwise make a warning of megabytes.
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxstring = 1, 4, 4, 60
_BRIEF = 60


def shown(value: object) -> str:
    """A value of the block's options as a message shows it: its repr, bounded."""
    return _SHOWN.repr(value)


def brief(text: str) -> str:
    """Text of a data file as a message shows it: at most 60 characters."""
    return text if len(text) <= _BRIEF else text[: _BRIEF - 1] + "…"


# --- the data file --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the data file
    key: str  # as written
    cells: tuple[str, ...]  # one per header column after the key, as written


@dataclass(frozen=True)
class DataFile:
    shown: str  # the path as authors see it
    columns: tuple[str, ...]  # the header after the key column
    rows: tuple[Row, ...]


def read_data(path: str, shown: str) -> tuple[DataFile | None, list[Problem]]:
    """Read a UTF-8 CSV file (a byte-order mark is allowed). OSError is the caller's to report."""
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                "table_data_error",
                shown,
                line,
                f"the table's data file is not UTF-8 text ({error.reason})",
                "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
            )
        ]
    return parse_csv(text, shown)


def parse_csv(text: str, shown: str) -> tuple[DataFile | None, list[Problem]]:
    problems: list[Problem] = []
    records = list(_records(text.removeprefix("\ufeff"), shown, problems))
    if problems:
        return None, problems
    if not records:
        return None, [
            Problem(
                "table_data_error",
                shown,
                1,
                "the table's data file is empty",
                "write a header line first: key,<column>,<column>,...",
            )
        ]
    header_line, header = records[0]
    names = [name.strip() for name in header]
    first = names[0] if names else ""
    if first.lower() != KEY_COLUMN:
        return None, [
            Problem(
                "table_data_error",
                shown,
                header_line,
                f"the first column of the header is '{brief(first)}', not '{KEY_COLUMN}'",
                "start the header with 'key' and give each row's citation key in that column",
            )
        ]
    columns = tuple(names[1:])
    seen: set[str] = set()
    for name in columns:
        if not name or name in seen:
            problems.append(
                Problem(
                    "table_data_error",
                    shown,
                    header_line,
                    f"the header names column '{name}' twice" if name else "a header cell is empty",
                    "give every column a name of its own",
                )
            )
        seen.add(name)
    rows = []
    for line, cells in records[1:]:
        cells = [cell.strip() for cell in cells]
        if len(cells) != len(names):
            problems.append(
                Problem(
                    "table_row_error",
                    shown,
                    line,
                    f"the row has {len(cells)} cells, the header has {len(names)}",
                    "add or remove cells so that each row matches the header "
                    '(quote a cell that holds a comma: "a, b")',
                )
            )
            cells = _fit(cells, len(names))
        rows.append(Row(line, cells[0], tuple(cells[1:])))
    return DataFile(shown, columns, tuple(rows)), problems


def _records(text: str, shown: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(
                Problem(
                    "table_data_error",
                    shown,
                    end + 1,
                    f"the CSV cannot be read: {error}",
                    'close the quote or quote the whole cell: "a ""quoted"" word"',
                )
            )
            return
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def _fit(cells: list[str], length: int) -> list[str]:
    """Nothing dropped: missing cells are empty; extra cells are joined into the last one."""
    if len(cells) < length:
        return cells + [""] * (length - len(cells))
    return cells[: length - 1] + [", ".join(cell for cell in cells[length - 1 :] if cell)]


# --- the block's options ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # in the data file's header
    label: str  # as shown in the table


@dataclass(frozen=True)
class BlockSource:
    """Where the block is written, for messages: the page, the block's first line, its text."""

    where: str
    line: int | None = None
    text: str = ""

    def line_of(self, word: str) -> int | None:
        """The block line naming `word` as an option key or list item, else its first line."""
        pattern = re.compile(rf"^\s*(?:-\s*)?['\"]?{re.escape(word)}['\"]?\s*(?::|$)")
        for offset, text in enumerate(self.text.splitlines()):
            if offset and pattern.match(text) and self.line is not None:
                return self.line + offset
        return self.line


@dataclass(frozen=True)
class TableSpec:
    data: str
    caption: str
    columns: tuple[Column, ...] | None  # None: every column of the file, labelled by its name
    order: str = "file"
    descending: bool = False
    first_column: str = ENGLISH.report
    missing: str = DEFAULT_MISSING
    legend: str = DEFAULT_LEGEND
    download: str = ENGLISH.download_csv
    source: BlockSource = field(default_factory=lambda: BlockSource(""))
    words: Words = ENGLISH  # the site's language's: the defaults above, "Table", the CSV's
    # Also read as "not reported" in the data file: English's, on a site in another language
    # whose block sets no `missing` (a data file written in English reads the same there).
    missing_also: tuple[str, ...] = ()


def parse_spec(
    caption: str | None,
    options: Mapping[str, object],
    source: BlockSource,
    words: Words = ENGLISH,
) -> tuple[TableSpec | None, list[Problem]]:
    """Check the block's caption and options; None when the table cannot be made at all. An
    option left out is the site's `words`' ("not reported", "Download CSV", ...)."""
    problems: list[Problem] = []

    def problem(message: str, fix: str, word: str = "") -> None:
        line = source.line_of(word) if word else source.line
        problems.append(Problem("table_block_error", source.where, line, message, fix))

    texts: dict[str, str] = {}
    for name in ("data", "order", "first_column", "missing", "legend", "download"):
        value = options.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            problem(
                f"the option '{name}' must be text, not {shown(value)}",
                f"write '{name}: <text>'",
                name,
            )
        else:
            texts[name] = str(value).strip()
    if not texts.get("data"):
        problem(
            "the literature-table block names no data file",
            "add the option 'data: bibliography/<file>.csv' (relative to mkdocs.yml)",
        )
        return None, problems
    if not caption or not caption.strip():
        problem(
            "the literature-table block has no caption",
            "write it after the block's name: '/// literature-table | <caption>'",
        )
    columns = _columns(options.get("columns"), problem)
    order, descending = _order(texts.get("order", "file"))
    spec = TableSpec(
        data=texts["data"],
        caption=(caption or "").strip(),
        columns=columns,
        order=order,
        descending=descending,
        first_column=texts.get("first_column", words.report),
        missing=texts.get("missing", words.not_reported),
        legend=texts.get("legend", words.not_reported_legend),
        download=texts.get("download", words.download_csv),
        source=source,
        words=words,
        missing_also=() if "missing" in texts else (DEFAULT_MISSING,),
    )
    return spec, problems


def _columns(value: object, problem: Callable[..., None]) -> tuple[Column, ...] | None:
    if value is None:
        return None
    items: list[tuple[object, object]]
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list):
        items = [
            next(iter(item.items()))
            if isinstance(item, Mapping) and len(item) == 1
            else (item, item)
            for item in value
        ]
    else:
        problem(
            f"the option 'columns' must be a mapping or a list, not {shown(value)}",
            "write 'columns:' and under it one '<name in the file>: <label>' a line",
            "columns",
        )
        return None
    columns = []
    for name, label in items:
        if not isinstance(name, str | int | float) or not isinstance(label, str | int | float):
            problem(
                f"the column {shown(name)}: {shown(label)} is not a name and a label",
                "write '<name in the file>: <label>'",
                "columns",
            )
            continue
        columns.append(Column(str(name).strip(), str(label).strip()))
    return tuple(columns)


def _order(text: str) -> tuple[str, bool]:
    words = text.split()
    if len(words) >= 2 and words[-1].lower() in ("asc", "desc"):
        return " ".join(words[:-1]), words[-1].lower() == "desc"
    return text, False


# --- the table, checked against the data and the bibliography ------------------------------------


class Catalog(Protocol):
    """What the table needs from the bibliography."""

    def key(self, written: str) -> str | None:
        """The bibliography's key for a key as written (case-insensitive); None if unknown."""

    def keys(self) -> list[str]: ...

    def authors(self, key: str) -> str:
        """'Christopeit et al.'"""

    def year(self, key: str) -> str: ...

    def text(self, key: str) -> str:
        """The formatted reference as plain text."""


@dataclass(frozen=True)
class Cell:
    text: str  # Markdown, as written (unknown citations escaped)
    missing: bool = False


@dataclass(frozen=True)
class TableRow:
    line: int
    written_key: str
    key: str | None  # the bibliography's key; None when unknown
    label: str  # "Christopeit et al. 2008"
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    spec: TableSpec
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    data_shown: str = ""

    @property
    def has_missing(self) -> bool:
        return any(cell.missing for row in self.rows for cell in row.cells)


def build(
    spec: TableSpec, data: DataFile | None, catalog: Catalog, *, narrative: bool = True
) -> tuple[Table, list[Problem]]:
    """The rows to show, in the default order; without data, a table with no rows.
    `narrative`: whether `@key` in a cell is a citation (the `narrative` option)."""
    if data is None:
        return Table(spec, spec.columns or (), (), spec.data), []
    problems: list[Problem] = []
    available = [name for name in data.columns if name != LABEL_COLUMN]
    if spec.columns is None:
        columns = tuple(Column(name, name) for name in available)
    else:
        columns = spec.columns
        for column in columns:
            if column.name not in data.columns:
                problems.append(_missing_column(spec, data, column.name, available))
    index = {name: position for position, name in enumerate(data.columns)}
    missing = {word.lower() for word in (spec.missing, *spec.missing_also)}
    rows = []
    for row in data.rows:
        key = catalog.key(row.key) if row.key else None
        if key is None:
            problems.append(_unknown_row_key(data.shown, row, catalog))
        label = _label(row, key, index, catalog)
        cells = []
        for column in columns:
            text = row.cells[index[column.name]] if column.name in index else ""
            text, unknown = _escape_unknown(text, catalog, narrative=narrative)
            problems += [
                _unknown_cell_key(data.shown, row.line, written, catalog, in_text=True)
                for written in unknown
            ]
            cells.append(Cell(text, missing=text.strip().lower() in missing))
        rows.append(TableRow(row.line, row.key, key, label, tuple(cells)))
    ordered, problem = _sorted(rows, spec, columns, catalog)
    if problem:
        problems.append(problem)
    return Table(spec, columns, tuple(ordered), data.shown), problems


def _label(row: Row, key: str | None, index: Mapping[str, int], catalog: Catalog) -> str:
    if key is None:
        return row.key
    template = row.cells[index[LABEL_COLUMN]] if LABEL_COLUMN in index else ""
    label = (template or DEFAULT_LABEL).replace("{authors}", catalog.authors(key) or key)
    return " ".join(label.replace("{year}", catalog.year(key)).split())


def _sorted(
    rows: list[TableRow], spec: TableSpec, columns: Sequence[Column], catalog: Catalog
) -> tuple[list[TableRow], Problem | None]:
    order = spec.order.strip()
    names = [column.name for column in columns]
    if order.lower() == "file":
        return (rows[::-1] if spec.descending else rows), None
    if order.lower() in ("year", "label", KEY_COLUMN):

        def value(row: TableRow) -> str:
            if order.lower() == "year":
                return catalog.year(row.key) if row.key else ""
            return row.label if order.lower() == "label" else row.written_key
    elif order in names:
        position = names.index(order)

        def value(row: TableRow) -> str:
            return row.cells[position].text
    else:
        choices = ", ".join(["file", "year", "label", "key", *names])
        return rows, Problem(
            "table_block_error",
            spec.source.where,
            spec.source.line_of("order"),
            f"the table cannot be ordered by '{order}'",
            f"use one of: {choices} (add ' desc' to reverse)",
        )
    return sorted(rows, key=lambda row: _natural(value(row)), reverse=spec.descending), None


def _natural(text: str) -> list[tuple[int, float | str]]:
    """'5 cases' after '1 case', before '12 cases'."""
    parts = re.split(r"(\d+(?:\.\d+)?)", text.lower())
    return [
        (0, float(part)) if index % 2 else (1, part) for index, part in enumerate(parts) if part
    ]


def _escape_unknown(
    text: str, catalog: Catalog, *, narrative: bool = True
) -> tuple[str, list[str]]:
    """Leave citations of unknown keys as written (escaped, so they stay text) and name the keys."""
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if not narrative and match["inner"] is None:  # `@name` is no citation here
            return match[0]
        group = _group(match)
        missing = [key for key in (group.keys if group else ()) if catalog.key(key) is None]
        if not missing:
            return match[0]
        unknown.extend(missing)
        return match[0].replace("@", "\\@")

    return _CITATION.sub(replace, text), unknown


def _group(match: re.Match[str]) -> CitationGroup | None:
    if match["inner"] is not None:
        return parse_bracketed(match["inner"])
    return narrative(match["key"], match["locator"] or "")


def _missing_column(spec: TableSpec, data: DataFile, name: str, available: list[str]) -> Problem:
    close = difflib.get_close_matches(name, available, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return Problem(
        "table_column_error",
        spec.source.where,
        spec.source.line_of(name),
        f"the column '{name}' is not in {data.shown} (its columns: {', '.join(available)})",
        f"{hint}fix the name in the block's 'columns', or add the column to the file",
    )


def _unknown_row_key(shown: str, row: Row, catalog: Catalog) -> Problem:
    if not row.key:
        return Problem(
            "key_not_found",
            shown,
            row.line,
            "the row has no citation key",
            "write the report's key from the .bib file in the first cell",
        )
    return _unknown_cell_key(shown, row.line, row.key, catalog)


def _unknown_cell_key(
    shown: str, line: int, key: str, catalog: Catalog, *, in_text: bool = False
) -> Problem:
    close = difflib.get_close_matches(key, catalog.keys(), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(k) for k in close)}? " if close else ""
    # In a cell's text, '@' may be meant as itself (a spreadsheet's '@SUM(1)').
    literal = f" (or write '\\@{key}' to show '@{key}' as it is)" if in_text else ""
    return Problem(
        "key_not_found",
        shown,
        line,
        f"unknown citation key '{key}'",
        f"{hint}Fix the key, or add an entry with this key to the bibliography{literal}",
    )


# --- rendering for the page --------------------------------------------------------------------

NUMBER_TAG = "bibcite-table-number"
# Until the table's site-wide number is known: its ids and its CSV link hold a random token (see
# TableRegistry), so no text of a page, a cell or a .bib entry can pass for one.
_PENDING = "bibcite-table-{}-{}"
_CSV_HREF = "bibcite:table-csv/{}/{}"  # a scheme, so MkDocs leaves the link alone until filled


def pending_id(token: str, index: int) -> str:
    return _PENDING.format(token, index)


def table_id(number: int) -> str:
    return f"table-{number}"


def csv_name(number: int) -> str:
    return f"{table_id(number)}.csv"


def element(
    table: Table,
    token: str,
    index: int,
    cells: CellMarkdown,
    cite: Callable[[str], etree.Element],
) -> tuple[etree.Element, list[Problem]]:
    """The table as an element tree, with placeholders for the number (filled by `fill`), and a
    problem for each link a cell could not have.

    Cells are rendered by `cells` (their own allow-listed Markdown, citations as the page's
    placeholders); caption and notes are the page author's Markdown, rendered by the page;
    headings and labels from the bibliography are atomic, never parsed as Markdown."""
    spec, pending = table.spec, pending_id(token, index)
    problems: list[Problem] = []
    root = etree.Element("div", {"class": "bibcite-table"})
    scroll = etree.SubElement(
        root,
        "div",
        {
            "class": "bibcite-table-scroll",
            "role": "region",
            "tabindex": "0",
            "aria-labelledby": f"{pending}-caption",
        },
    )
    html_table = etree.SubElement(scroll, "table", {"id": pending, "class": "bibcite-table-table"})
    caption = etree.SubElement(html_table, "caption", {"id": f"{pending}-caption"})
    number = etree.SubElement(caption, "span", {"class": "bibcite-table-label"})
    number.text = AtomicString(f"{spec.words.table} ")
    placeholder = etree.SubElement(number, NUMBER_TAG, {"data-n": f"{token}-{index}"})
    placeholder.text, placeholder.tail = "", AtomicString(".")
    number.tail = " " + spec.caption if spec.caption else ""

    head = etree.SubElement(etree.SubElement(html_table, "thead"), "tr")
    for position, label in enumerate([spec.first_column, *(c.label for c in table.columns)]):
        th = etree.SubElement(head, "th", {"scope": "col"})
        name = KEY_COLUMN if position == 0 else table.columns[position - 1].name
        if _sorted_by(spec, name, position):
            th.set("aria-sort", "descending" if spec.descending else "ascending")
        # Text as written, never Markdown: a heading of the file's header is data, and every
        # heading becomes a sort button (which can hold no link).
        th.text = AtomicString(hide_braces(label))
    body = etree.SubElement(html_table, "tbody")
    for row in table.rows:
        tr = etree.SubElement(body, "tr")
        th = etree.SubElement(tr, "th", {"scope": "row", "data-sort": row.label})
        if row.key is None:
            unknown = etree.SubElement(th, "span", {"class": "bibcite-unknown"})
            shown = f"?{row.written_key}" if row.written_key else "? (no key)"
            unknown.text = AtomicString(hide_braces(shown))
        else:
            th.text = AtomicString(hide_braces(row.label + " "))
            th.append(cite(row.key))
        for cell in row.cells:
            td = etree.SubElement(tr, "td")
            if cell.missing:
                td.set("class", "bibcite-not-reported")
                td.text = AtomicString(spec.missing)
            else:
                refused = cells.fill(td, cell.text)
                problems += [_refused_link(table.data_shown, row.line, url) for url in refused]
    if not table.rows:
        tr = etree.SubElement(body, "tr")
        td = etree.SubElement(tr, "td", {"colspan": str(len(table.columns) + 1)})
        td.text = AtomicString(f"No rows: the data file {table.data_shown} could not be used.")
    if table.has_missing:
        legend = etree.SubElement(root, "p", {"class": "bibcite-table-legend"})
        term = etree.SubElement(legend, "span", {"class": "bibcite-not-reported"})
        term.text = AtomicString(spec.missing)
        term.tail = ": " + spec.legend
    if table.rows:
        download = etree.SubElement(root, "p", {"class": "bibcite-table-download"})
        link = etree.SubElement(
            download,
            "a",
            {
                "href": _CSV_HREF.format(token, index),
                "download": f"{pending}.csv",
                "type": "text/csv",
            },
        )
        link.text = AtomicString(spec.download)
    return root, problems


def _refused_link(shown: str, line: int, url: str) -> Problem:
    return Problem(
        "table_cell_error",
        shown,
        line,
        f"a cell links to '{brief(' '.join(url.split()))}', so the link is shown as text",
        "a cell may link only to an http(s) or a relative URL: fix the link's URL",
    )


def _sorted_by(spec: TableSpec, name: str, position: int) -> bool:
    order = spec.order.strip()
    return order == name if position else order.lower() in ("label", KEY_COLUMN)


def fill(html: str, token: str, numbers: Mapping[int, int], href: Callable[[int], str]) -> str:
    """Put each table's site-wide number (by its index on the page) into its caption and ids, and
    the link to its CSV file. Only the placeholders of this build's `token` are read; an index
    with no number is left as it is."""
    token = re.escape(token)
    pattern = re.compile(
        rf'<{NUMBER_TAG} data-n="{token}-(\d+)"></{NUMBER_TAG}>'
        rf"|bibcite-table-{token}-(\d+)|bibcite:table-csv/{token}/(\d+)"
    )

    def replace(match: re.Match[str]) -> str:
        index = next(int(group) for group in match.groups() if group is not None)
        number = numbers.get(index)
        if number is None:
            return match[0]
        if match[1] is not None:
            return str(number)
        return table_id(number) if match[2] is not None else href(number)

    return pattern.sub(replace, html)


# --- rendering for the download --------------------------------------------------------------

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: str) -> str:
    """A CSV value a spreadsheet shows as text: one that could start a formula (after spaces)
    gets a leading single quote, as OWASP advises."""
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


def to_csv(table: Table, catalog: Catalog) -> str:
    """The table as shown (default order, each cell's text as the page shows it), each citation
    expanded to its full reference, and the row's own reference in a last column; a value that
    a spreadsheet would read as a formula is neutralised. It starts with a byte-order mark, so
    that spreadsheets (Excel) read it as UTF-8 rather than the system's code page."""
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")

    def write(values: list[str]) -> None:
        writer.writerow([neutralised(value) for value in values])

    reference_column = table.spec.words.reference_column
    write([table.spec.first_column, *(c.label for c in table.columns), reference_column])
    cells, spec_missing = CellMarkdown(_Expander(catalog)), table.spec.missing
    for row in table.rows:
        reference = catalog.text(row.key) if row.key else ""
        texts = [spec_missing if cell.missing else cells.text(cell.text) for cell in row.cells]
        write([row.label if row.key else row.written_key, *texts, reference])
    return out.getvalue()


class _Expander:
    """Each citation of a cell as its full references: '[Reference a; see Reference b, p. 4]'."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def tag(self, group: CitationGroup, source: str) -> etree.Element:
        element = etree.Element("span")
        element.text = AtomicString(self._expand(group))
        return element

    def _expand(self, group: CitationGroup) -> str:
        parts = []
        for item in group.items:
            key = self.catalog.key(item.key)
            text = self.catalog.text(key) if key else f"@{item.key}"
            parts.append(
                " ".join(p for p in (item.prefix, text) if p)
                + (f", {item.locator}" if item.locator else "")
            )
        inner = "[" + "; ".join(parts) + "]"
        if group.narrative:
            key = self.catalog.key(group.items[0].key)
            return f"{self.catalog.authors(key)} {inner}" if key else inner
        return inner


class BibCatalog:
    """The `Catalog` of a bibliography, through the plugin's reference formatter."""

    def __init__(self, formatter: ReferenceFormatter) -> None:
        self.formatter = formatter
        self.entries = formatter.bibliography.entries

    def key(self, written: str) -> str | None:
        return self.entries.spelling.get(written.lower())

    def keys(self) -> list[str]:
        return list(self.entries)

    def authors(self, key: str) -> str:
        return self.formatter.label_of(key)  # known before a CSL style has formatted anything

    def year(self, key: str) -> str:
        return str(self.entries[key].fields.get("year", "")).strip("{} ")

    def text(self, key: str) -> str:
        return self.formatter.get(key).text
