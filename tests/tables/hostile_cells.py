"""A literature table whose data file holds script payloads, one a row (shared by the unit and the
browser tests): each payload and the text a reader must see instead."""

from __future__ import annotations

# Each cell as written in the CSV; the text the page shows is the same, but where SHOWN says.
WRITTEN = [
    "[a](javascript:alert(1))",
    "[b](JaVaScRiPt:alert(2))",
    "[c](javascript&colon;alert(3))",
    "[d](java&#115;cript:alert(4))",
    "[e](data:text/html,<script>alert(5)</script>)",
    "[f](  java&#9;script:alert(6))",
    "[g](vbscript:msgbox(7))",
    "![x](x){onerror=alert(8)}",
    "x {: tabindex=0 autofocus onfocus=alert(9) }",
    "<img src=x onerror=alert(10)>",
    "[h](#top){: onclick=alert(11) }",
]
SHOWN = {  # entities read as the characters they name (as in any HTML); a safe link is a link
    "[c](javascript&colon;alert(3))": "[c](javascript:alert(3))",
    "[d](java&#115;cript:alert(4))": "[d](javascript:alert(4))",
    "[f](  java&#9;script:alert(6))": "[f]( java script:alert(6))",
    "[h](#top){: onclick=alert(11) }": "h{: onclick=alert(11) }",
}
PAYLOADS = [(written, SHOWN.get(written, written)) for written in WRITTEN]
# What stays allowed: emphasis, code, links to http(s) or relative URLs, citations.
ALLOWED = "*Improved* with `code`, [a page](other.md), <https://example.org/x> [@duo2002]"


# The file's header names the column, and so gives its heading: text too.
HEADING = "<img src=x onerror=alert(12)> [n](javascript:alert(13)) {: onclick=alert(14) }"


def csv_text() -> str:
    lines = ['key,"' + HEADING + '"']
    for written, _ in [*PAYLOADS, (ALLOWED, "")]:
        lines.append('solo2001,"' + written.replace('"', '""') + '"')
    return "\n".join(lines) + "\n"


PAGE = """# Hostile

/// literature-table | Payloads
    data: data/hostile.csv
///
"""

# The site's own Markdown extensions (mkdocs.yml), attr_list among them.
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables"]
