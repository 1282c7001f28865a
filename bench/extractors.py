"""What six PDF text extractors read from a PDF, page by page (for `make eval`'s repaired-PDF table).

Each extractor runs in the caller's process; one that is not installed or fails on a file gives None,
so the table shows the gap instead of the run stopping.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path


def pdftotext(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = out.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def layer_lines(pdf: Path) -> list[str]:
    """The text layer as poppler's words, one line per ``<line>`` of ``pdftotext -bbox-layout``, pages apart.

    The reference for "characters changed" on real controls: plain ``pdftotext`` joins a line ending in a
    hyphen to the next one and drops the hyphen (``2024-3-`` / ``23`` reads ``2024-323``), which is not in
    the layer; the words are.
    """
    import html
    import re

    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    # (read with patterns, not an XML parser: poppler writes control characters of broken fonts as they are)
    pages: list[str] = []
    for page in re.split(r"<page\b", out)[1:]:
        lines = [" ".join(html.unescape(w) for w in re.findall(r"<word\b[^>]*>(.*?)</word>", line, re.S))
                 for line in re.split(r"<line\b", page)[1:]]
        pages.append("\n".join(lines))
    return pages


def pdfplumber_pages(pdf: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return [page.extract_text() or "" for page in document.pages]


def pdfminer_pages(pdf: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    pages = extract_text(str(pdf)).split("\f")  # pdfminer ends every page with a form feed
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pymupdf_pages(pdf: Path) -> list[str]:
    import pymupdf

    with pymupdf.open(pdf) as document:
        return [page.get_text() for page in document]


def pypdf_pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def pypdfium2_pages(pdf: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "pdftotext": pdftotext, "pdfplumber": pdfplumber_pages, "pdfminer.six": pdfminer_pages,
    "PyMuPDF": pymupdf_pages, "pypdf": pypdf_pages, "pypdfium2": pypdfium2_pages,
}


def extract_all(pdf: Path) -> dict[str, list[str] | None]:
    """Every extractor's pages of ``pdf`` (None where it is missing or failed)."""
    results: dict[str, list[str] | None] = {}
    for name, extract in EXTRACTORS.items():
        try:
            results[name] = extract(pdf)
        except Exception:  # noqa: BLE001  (an extractor's failure is a result to report, not a crash)
            results[name] = None
    return results


def versions() -> dict[str, str]:
    """Installed versions of the extractors (for EVAL.md)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name, dist in (("pdfplumber", "pdfplumber"), ("pdfminer.six", "pdfminer.six"), ("PyMuPDF", "pymupdf"),
                       ("pypdf", "pypdf"), ("pypdfium2", "pypdfium2")):
        try:
            found[name] = version(dist)
        except PackageNotFoundError:
            found[name] = "missing"
    run = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True)
    found["pdftotext"] = (run.stderr or run.stdout).splitlines()[0] if (run.stderr or run.stdout) else "?"
    return found
