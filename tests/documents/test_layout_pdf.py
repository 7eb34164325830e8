"""Issue 16's layout check: every document kind, made for the sample plans, converted to PDF with LibreOffice and
read back page by page (pdftotext). It fails when a word of the source is split across lines, when a page holds
nothing but a table's header labels, when a page has no "Page X of Y" (or its numbers are in another size than its
words), or when a page's header does not give the LA's name and the reference. Skipped, with the reason, where
LibreOffice or pdftotext is not installed."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from letter_sets import child_set, run, young_person_set

from conftest import sample_files
from ehcp_docs.documents import pdf
from ehcp_docs.documents.saving import docx_text

pytestmark = pytest.mark.skipif(pdf.soffice() is None or shutil.which("pdftotext") is None,
                                reason="the layout check needs LibreOffice (soffice) and pdftotext (poppler-utils)")
LABELS = {"What", "Who delivers it", "How often", "How long", "Group size", "Where", "Funded by",
          "Needs and outcomes it serves", "Target", "By when", "How progress is measured", "Plan", "Name",
          "Review due by", "Meeting by", "Focus", "ID", "What it pays for", "Amount", "Advice or information",
          "Written by", "Date"}
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")


def pages(pdf_path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def split_words(page: str, words: set[str]) -> list[str]:
    """Words of the source broken over two lines: "individ" / "ual" where "individual" is a source word and
    "individ" is not (a break at a hyphen is a normal line break)."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    out = []
    for a_line, b_line in zip(lines, lines[1:], strict=False):
        a, b = a_line.split()[-1], b_line.split()[0]
        if a.endswith("-") or not (a.isalpha() and b.isalpha()) or not b[:1].islower():
            continue
        if (a + b) in words and a not in words:
            out.append(f"{a}|{b}")
    return out


def body_lines(page: str, header: str) -> list[str]:
    return [line.strip() for line in page.splitlines()
            if line.strip() and line.strip() != header and not re.fullmatch(r"Page \d+ of \d+", line.strip())]


def footer_sizes(pdf_path: Path) -> list[set[float]]:
    """For each page, the heights of the words of its "Page X of Y" line (one height when all are one size)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True,
                         check=True).stdout
    out = []
    for page in xml.split("<page ")[1:]:
        words = re.findall(r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)">([^<]*)<', page)
        heights: set[float] = set()
        for i, (_, _, w) in enumerate(words):
            if w == "Page" and i + 3 < len(words) and words[i + 2][2] == "of":
                heights = {round(float(b) - float(a), 1) for a, b, _ in words[i:i + 4]}
        out.append(heights)
    return out


def progress_update(ehcp, tmp_path: Path, pid: str) -> None:
    """Two termly progress returns for `pid` and the family's progress update made from them."""
    for status, day in (("not-started", "2026-07-15"), ("on-track", "2026-11-20")):
        form = yaml.safe_load(ehcp("progress", "add", pid, "--form").stdout)
        form["returned_by"] = {"name": "Mr J Wallace", "role": "SENCO"}
        for row in form["progress"]:
            row["status"], row["evidence"], row["next_steps"] = status, "Termly check.", "Keep going."
            for t in row["targets"]:
                t["status"] = status
        f = tmp_path / f"progress-{day}.yaml"
        f.write_text(yaml.safe_dump(form, allow_unicode=True))
        run(ehcp, "progress", "add", pid, "--file", f, "--date", day)
    run(ehcp, "progress", "report", pid, "--out", tmp_path / "out")


def page_problems(docx: Path, made: Path) -> list[str]:
    """What is wrong with the pages of `made` (the PDF of `docx`), each named by document and page."""
    problems = []
    words = {w for w in WORD.findall(docx_text(docx))}
    sheets = pages(made)
    header = sheets[0].strip().splitlines()[0].strip()
    if not header.startswith("Exampleshire County Council") or not re.search(r"EHCP-\d{4}|Termly list", header):
        problems.append(f"{docx.name}: the page header is {header!r}, not the LA's name and the reference")
    for n, (page, sizes) in enumerate(zip(sheets, footer_sizes(made), strict=True), 1):
        if page.strip().splitlines()[0].strip() != header:
            problems.append(f"{docx.name} page {n}: no page header {header!r}")
        if f"Page {n} of {len(sheets)}" not in page:
            problems.append(f"{docx.name} page {n}: no 'Page {n} of {len(sheets)}'")
        elif len(sizes) != 1:
            problems.append(f"{docx.name} page {n}: 'Page {n} of {len(sheets)}' in mixed sizes {sorted(sizes)}")
        broken = split_words(page, words)
        if broken:
            problems.append(f"{docx.name} page {n}: words split across lines: {broken[:5]}")
        content = [line for line in body_lines(page, header) if line not in LABELS]
        if len(" ".join(content).split()) < 4:
            problems.append(f"{docx.name} page {n}: holds only {body_lines(page, header)[:5]}")
        if content[:1] == ["Yours sincerely"]:
            problems.append(f"{docx.name} page {n}: the sign-off stands alone on its page")
    return problems


# every kind `make demo` writes, besides the letters of the review cycle
DEMO_KINDS = ("plan", "plan-areas", "proposed-plan-tracked", "proposed-plan", "schedule-of-amendments",
              "plan-in-force", "progress-update", "letter")


def test_every_document_kind_prints_cleanly(ehcp, tmp_path):
    run(ehcp, "add", *sample_files())
    out = tmp_path / "out"
    for plan in sample_files():
        run(ehcp, "render", plan.stem, "--out", out)
        run(ehcp, "render", plan.stem, "--layout", "areas", "--out", out)
    child, yp = child_set(ehcp, tmp_path / "child"), young_person_set(ehcp, tmp_path / "yp")
    assert child and yp
    run(ehcp, "lists", "--term", "spring-2027", "--today", "2026-11-28", "--out", out)
    progress_update(ehcp, tmp_path, "EHCP-0003")
    docs = [p for p in sorted(tmp_path.rglob("*.docx")) if "-copy-" not in p.name]
    kinds: dict[str, Path] = {}
    for p in docs:  # one of each kind (and each plan in both layouts), under a unique name
        kind = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", p.stem)
        key = f"{p.parent.name}-{kind}" if kind.startswith("plan") else kind
        kinds.setdefault(key, p)
    assert len(kinds) >= 25, sorted(kinds)
    for kind in DEMO_KINDS:
        assert any(k == kind or k.endswith(f"-{kind}") for k in kinds), (kind, sorted(kinds))
    staged = tmp_path / "staged"
    staged.mkdir()
    named = []
    for key, p in kinds.items():
        named.append(Path(shutil.copy(p, staged / f"{key}.docx")))
    problems: list[str] = []
    for docx, made in zip(named, pdf.to_pdfs(named, tmp_path / "pdf"), strict=True):
        problems += page_problems(docx, made)
    assert not problems, "\n".join(problems)
