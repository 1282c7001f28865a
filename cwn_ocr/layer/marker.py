"""How cwn-ocr marks the PDFs it writes, and recognises them again (no import of the writers)."""

from __future__ import annotations

from pathlib import Path

import pikepdf

MARK = "/CwnOcr"


def is_repaired(pdf: Path, password: str | None = None) -> bool:
    """Was this PDF written by cwn-ocr (its text layer is already the repaired text)?"""
    try:
        with pikepdf.open(pdf, password=password or "") as document:
            return pikepdf.Name(MARK) in document.docinfo
    except Exception:  # encrypted, damaged, unreadable: not one of ours  # noqa: BLE001
        return False
