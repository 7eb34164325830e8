"""PDF copies of documents, made by headless LibreOffice (`render --pdf`, and the layout checks in the tests)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ehcp_docs.errors import RenderError

PDF_TIMEOUT_S = 180
INSTALL_HINT = ("Install LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-writer; macOS: "
                "brew install --cask libreoffice; Windows: https://www.libreoffice.org), or send the Word "
                "document instead.")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, outdir: Path, *, timeout: int = PDF_TIMEOUT_S) -> Path:
    """Converts with headless LibreOffice into `outdir/<stem>.pdf` (mode 0600). A private LibreOffice profile
    is used, so a LibreOffice window the caseworker has open cannot swallow the conversion."""
    exe = soffice()
    if exe is None:
        raise RenderError("PDF needs LibreOffice, which is not installed: no soffice or libreoffice program "
                          "was found", hint=INSTALL_HINT)
    docx, outdir = Path(docx).resolve(), Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = outdir / f"{docx.stem}.pdf"
    with tempfile.TemporaryDirectory(prefix=".ehcp-pdf-", dir=outdir) as work:
        work_dir = Path(work)
        cmd = [exe, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless", "--norestore",
               "--nologo", "--convert-to", "pdf", "--outdir", str(work_dir), str(docx)]
        _run(cmd, timeout)
        produced = work_dir / f"{docx.stem}.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise RenderError(f"LibreOffice did not produce a PDF from {docx.name}",
                              hint="Open the Word document in LibreOffice to see whether it can be read.")
        os.chmod(produced, 0o600)
        os.replace(produced, target)
    return target


def _run(cmd: list[str], timeout: int) -> None:
    try:
        subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False,
                       shell=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"LibreOffice took longer than {timeout} seconds to make the PDF",
                          hint="Try again; if it keeps happening, close other LibreOffice windows.") from None
    except OSError as e:
        raise RenderError(f"LibreOffice could not be started ({e.strerror})", hint=INSTALL_HINT) from None


def to_pdfs(docxs: list[Path], outdir: Path, *, timeout: int = PDF_TIMEOUT_S * 4) -> list[Path]:
    """Many documents in one LibreOffice run (starting it is most of the cost): `outdir/<stem>.pdf` each, in
    the order given. Stems must differ. Used by the layout checks and scripts/pages.py."""
    exe = soffice()
    if exe is None:
        raise RenderError("PDF needs LibreOffice, which is not installed", hint=INSTALL_HINT)
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix=".ehcp-pdf-", dir=outdir) as work:
        profile = (Path(work) / "profile").as_uri()
        _run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo", "--convert-to",
              "pdf", "--outdir", str(outdir), *(str(Path(d).resolve()) for d in docxs)], timeout)
    made = [outdir / f"{Path(d).stem}.pdf" for d in docxs]
    missing = [p.name for p in made if not p.is_file()]
    if missing:
        raise RenderError(f"LibreOffice did not produce {', '.join(missing[:5])}")
    return made
