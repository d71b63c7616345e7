"""Writes a synthetic MkDocs site for the benchmark: a .bib of N entries and P pages of C
citations each, from a fixed seed, so every run builds the same thing.

The pages use only the citation syntax that both bibcite and mkdocs-bibtex accept: `[@a]`,
`[@a; @b]`, `[@a, p. 4]`, `[see @a]` and narrative `@a`.
"""

from __future__ import annotations

import random
from pathlib import Path

SURNAMES = [
    "Müller",
    "Gödel",
    "O'Brien",
    "Smith",
    "Nguyen",
    "García",
    "Kowalski",
    "Ødegård",
    "Chen",
    "Dubois",
    "Rossi",
    "Andersson",
    "Novák",
    "Silva",
    "Tanaka",
    "Keyszer",
]
LATEX_SURNAMES = [
    r"M{\"u}ller",
    r"G{\"o}del",
    "O'Brien",
    "Smith",
    "Nguyen",
    r"Garc{\'\i}a",
    "Kowalski",
    r"{\O}deg{\aa}rd",
    "Chen",
    "Dubois",
    "Rossi",
    "Andersson",
    r"Nov{\'a}k",
    "Silva",
    "Tanaka",
    "Keyszer",
]
WORDS = [
    *("mesenchymal", "stromal", "cells", "systemic", "sclerosis", "fibrosis", "infusion"),
    *("allogeneic", "donor", "outcome", "trial", "cohort", "skin", "lung", "treatment"),
    *("severe", "progressive", "autologous", "transplantation", "safety", "efficacy", "long-term"),
]
TITLE_WORDS = [*WORDS, "{CD137L}", "{MSC}", r"\emph{in~vitro}", r"caf{\'e}", "T--cell"]
JOURNALS = [
    ("Arthritis Rheum", "Arthritis and Rheumatism"),
    ("Ann Rheum Dis", None),
    ("Leukemia", None),
    ("Ann Intern Med", None),
    ("Rheumatology (Oxford)", None),
]


def entry(rng: random.Random, index: int) -> tuple[str, str]:
    key = f"{LATEX_SURNAMES[index % 16].lower()[:3].strip('{}')}{1990 + index % 35}x{index}"
    key = "".join(ch for ch in key if ch.isalnum())
    authors = " and ".join(
        f"{rng.choice(LATEX_SURNAMES)}, {rng.choice('ABCDEFGHJKLM')}. {rng.choice('ABCDE')}."
        for _ in range(rng.randint(1, 12))
    )
    title = " ".join(rng.choice(TITLE_WORDS) for _ in range(rng.randint(6, 16)))
    title = title[0].upper() + title[1:]
    year = 1990 + index % 35
    kind = rng.choices(
        ["article", "book", "inproceedings", "incollection", "phdthesis", "misc"],
        weights=[70, 8, 8, 6, 4, 4],
    )[0]
    fields = [f"author = {{{authors}}}", f"title = {{{title}}}", f"year = {{{year}}}"]
    if kind == "article":
        journal, _ = rng.choice(JOURNALS)
        first = rng.randint(1, 2000)
        fields += [
            f"journal = {{{journal}}}",
            f"volume = {{{rng.randint(1, 90)}}}",
            f"number = {{{rng.randint(1, 12)}}}",
            f"pages = {{{first}--{first + rng.randint(1, 30)}}}",
            f"month = {rng.choice(['jan', 'may', 'aug', 'nov'])}",
        ]
    elif kind in ("book", "phdthesis"):
        fields += ["publisher = {Springer}", "address = {Berlin}", "school = {University of Porto}"]
    elif kind in ("inproceedings", "incollection"):
        fields += [
            "booktitle = {Proceedings of the Annual Meeting}",
            "publisher = {Elsevier}",
            f"pages = {{{rng.randint(1, 50)}--{rng.randint(51, 99)}}}",
        ]
    else:
        fields += [f"url = {{https://example.org/{index}}}", "urldate = {2020-01-02}"]
    if rng.random() < 0.6:
        fields.append(f"doi = {{10.{1000 + index % 9000}/bench.{index}}}")
    body = ",\n  ".join(fields)
    return key, f"@{kind}{{{key},\n  {body}\n}}\n"


def citation(rng: random.Random, keys: list[str]) -> str:
    a, b = rng.choice(keys), rng.choice(keys)
    return rng.choice(
        [
            f"[@{a}]",
            f"[@{a}; @{b}]",
            f"[@{a}, p. {rng.randint(1, 99)}]",
            f"[see @{a}]",
            f"@{a} reported",
        ]
    )


def write_site(root: Path, *, entries: int, pages: int, per_page: int, seed: int = 1) -> list[str]:
    """Writes refs.bib and docs/; returns the page file names in nav order."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    made = [entry(rng, i) for i in range(entries)]
    (root / "refs.bib").write_text("\n".join(text for _, text in made), encoding="utf-8")
    keys = [key for key, _ in made]
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    names = []
    for page in range(pages):
        name = f"page-{page:04d}.md"
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(25)) + " " + citation(rng, keys) + "."
            for _ in range(per_page)
        ]
        (docs / name).write_text(
            f"# Page {page}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
        names.append(name)
    (docs / "index.md").write_text("# Benchmark\n\nA synthetic site.\n", encoding="utf-8")
    return names
