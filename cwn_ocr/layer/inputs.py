"""Check an input path before any tool touches it, so a user mistake gets a clear message.

>>> check_pdf_path("/nonexistent.pdf")
Traceback (most recent call last):
...
cwn_ocr.errors.BadInputError: /nonexistent.pdf: no such file
"""

from __future__ import annotations

import os
from pathlib import Path

from cwn_ocr.errors import BadInputError


def check_pdf_path(path: str | os.PathLike[str]) -> Path:
    """The path as a Path when it names a readable, non-empty file that starts like a PDF."""
    pdf = Path(path)
    if not pdf.exists():
        raise BadInputError("no such file", path=pdf)
    if pdf.is_dir():
        raise BadInputError("is a directory, not a PDF file", path=pdf)
    try:
        with pdf.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise BadInputError(f"cannot be read ({exc.strerror})", path=pdf) from exc
    if not head:
        raise BadInputError("the file is empty", path=pdf)
    if b"%PDF-" not in head:
        raise BadInputError("not a PDF (it does not start with %PDF-)", path=pdf)
    return pdf
