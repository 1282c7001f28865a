"""What a page draws, as a hash: the key the OCR cache files a page's readings under.

A page's image is decided by its content streams, the resources they use (fonts, images, forms,
patterns), its boxes and its rotation, not by the file around it. So the same page saved into
another PDF (split out, merged, re-saved by a tool that copies objects) hashes the same and its
OCR comes from the cache, while any change to what it draws changes the hash. Object numbers and
back-links (``/Parent``) are not hashed; streams are hashed as stored (no decoding). Hashing the
rendered pixels instead would cost a rendering per page, more than a cached re-run should.

>>> import pikepdf
>>> a, b = pikepdf.new(), pikepdf.new()
>>> for pdf in (a, b):
...     _ = pdf.add_blank_page(page_size=(595, 842))
>>> _ = b.add_blank_page(page_size=(595, 842))  # another file, another object layout
>>> fingerprint_pages(a) == {1: fingerprint_pages(b)[1]}
True
>>> b.pages[1].Rotate = 90
>>> fingerprint_pages(b)[1] == fingerprint_pages(b)[2]
False
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pikepdf

#: Keys that point back up the document (or hold nothing drawn) and would pull in every page.
_SKIPPED = frozenset({"/Parent", "/P", "/StructParent", "/StructParents", "/Annots", "/B", "/Thumb"})
_PAGE_KEYS = ("/MediaBox", "/CropBox", "/Rotate", "/UserUnit")


def _digest(obj: Any, memo: dict[tuple[int, int], bytes], depth: int = 0) -> bytes:
    """sha256 of ``obj`` and everything it refers to (indirect objects once each)."""
    if obj is None:
        return b"null"
    if depth > 64:
        return b"deep"
    key = obj.objgen if isinstance(obj, pikepdf.Object) and obj.is_indirect else None
    if key is not None and key != (0, 0):
        if key in memo:
            return memo[key]
        memo[key] = b"cycle"  # a reference back to an object being hashed
    h = hashlib.sha256()
    if isinstance(obj, pikepdf.Stream):
        h.update(b"stream")
        h.update(_digest_dict(obj, memo, depth))
        h.update(obj.read_raw_bytes())
    elif isinstance(obj, pikepdf.Dictionary):
        h.update(b"dict" + _digest_dict(obj, memo, depth))
    elif isinstance(obj, pikepdf.Array):
        h.update(b"array")
        for item in obj:
            h.update(_digest(item, memo, depth + 1))
    elif isinstance(obj, pikepdf.Object):
        h.update(obj.unparse())
    else:  # a value pikepdf already turned into Python (int, Decimal, bool)
        h.update(repr(obj).encode())
    digest = h.digest()
    if key is not None and key != (0, 0):
        memo[key] = digest
    return digest


def _digest_dict(obj: Any, memo: dict[tuple[int, int], bytes], depth: int) -> bytes:
    h = hashlib.sha256()
    for name in sorted(str(k) for k in obj.keys()):
        if name in _SKIPPED or name == "/Length":
            continue
        h.update(name.encode() + _digest(obj.get(name), memo, depth + 1))
    return h.digest()


def fingerprint_pages(pdf: pikepdf.Pdf, numbers: Collection[int] | None = None) -> dict[int, str]:
    """Page number (1-based) -> hex digest of what the page draws, for ``numbers`` (all pages
    when None)."""
    memo: dict[tuple[int, int], bytes] = {}
    out = {}
    for number, page in enumerate(pdf.pages, start=1):
        if numbers is not None and number not in numbers:
            continue
        h = hashlib.sha256()
        for name in _PAGE_KEYS:  # inherited from the page tree when the page has none
            value = page.obj.get(name)
            h.update(name.encode() + _digest(value if value is not None else _inherited(page.obj, name), memo))
        h.update(_digest(page.obj.get("/Contents"), memo))
        h.update(_digest(page.resources, memo))
        out[number] = h.hexdigest()
    return out


def _inherited(node: Any, name: str) -> Any:
    for _ in range(64):
        parent = node.get("/Parent")
        if parent is None:
            return None
        if name in parent:
            return parent.get(name)
        node = parent
    return None


def page_fingerprints(path: Path, numbers: Collection[int] | None = None, *, password: str | None = None
                      ) -> dict[int, str] | None:
    """``fingerprint_pages`` of the file at ``path``; None when pikepdf cannot read it (the
    cache then keys pages by the file's bytes)."""
    try:
        with pikepdf.open(path, password=password or "") as pdf:
            return fingerprint_pages(pdf, numbers)
    except Exception:  # a damaged file: any failure means "key by the file's bytes"  # noqa: BLE001
        return None
