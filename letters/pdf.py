"""PDF through LibreOffice: one `soffice` call on the merged print file, blank pages kept (duplex).

Starting LibreOffice costs seconds, converting a page milliseconds, so a run converts its merged
document once instead of each letter. Every call gets its own throw-away user profile
(`-env:UserInstallation`), so parallel runs and a desktop LibreOffice never lock each other out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

# Keep the blank pages the print file's odd-page section breaks insert (letters.render): without them
# a duplex printer puts the next family's letter on the back of a one-page letter.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


class PdfConversionError(RuntimeError):
    """LibreOffice failed or produced no PDF."""


def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx_path: Path, out_dir: Path | None = None, timeout: float = 600) -> Path:
    """Convert one .docx to PDF next to it (or into `out_dir`); returns the PDF path."""
    binary = soffice_path()
    if binary is None:
        raise PdfConversionError("LibreOffice (soffice) is niet geïnstalleerd")
    docx_path = Path(docx_path).resolve()
    out_dir = Path(out_dir or docx_path.parent).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="inbeeld-soffice-") as profile:
        command = [binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", PDF_FILTER, "--outdir", str(out_dir), str(docx_path)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfConversionError(f"LibreOffice was niet binnen {timeout:.0f} s klaar") from exc
    pdf_path = out_dir / (docx_path.stem + ".pdf")
    if result.returncode != 0 or not pdf_path.is_file():
        raise PdfConversionError(f"LibreOffice is mislukt (exit {result.returncode}): "
                                 f"{(result.stderr or result.stdout).strip()[:500]}")
    return pdf_path


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def page_count(pdf_path: Path) -> int:
    """Pages in a PDF written by LibreOffice (its page objects are not in compressed streams)."""
    return len(_PAGE_OBJECT.findall(Path(pdf_path).read_bytes()))
