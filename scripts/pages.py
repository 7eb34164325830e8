"""Pictures of what families receive: converts documents to PDF with LibreOffice (documents/pdf.py) and writes a
PNG of one page of each with pdftoppm (50 dpi, to keep the repository small), for the README. `make pages` makes
the README's from the documents `make demo` wrote.

    .venv/bin/python scripts/pages.py OUT_DIR DOC.docx[:PAGE] ...
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ehcp_docs.documents import pdf  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    wanted = [(Path(a.rsplit(":", 1)[0]), int(a.rsplit(":", 1)[1]) if a.rsplit(":", 1)[-1].isdigit() else 1)
              for a in argv[1:]]
    with tempfile.TemporaryDirectory() as work:
        for (docx, page), made in zip(wanted, pdf.to_pdfs([d for d, _ in wanted], Path(work)), strict=True):
            target = out / docx.stem
            subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile",
                            str(made), str(target)], check=True)
            print(f"wrote {target}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
