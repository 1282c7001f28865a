"""The fonts of a PDF and what their dictionaries say about their codes (pikepdf).

A font is keyed by its object (``"12 0"``), so the same font drawn on twenty pages is one font with
one map; fonts written directly into a page's resources are keyed by page and name. Form XObjects'
fonts are included (one level down, as the provenance reads them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from cwn_ocr.layer.provenance import read_tounicode

#: Predefined CMaps whose codes are the CIDs, two bytes each: the text needs a map from elsewhere.
IDENTITY = frozenset({"/Identity-H", "/Identity-V"})


@dataclass(frozen=True)
class FontRef:
    """One font object and what decides how its codes become text."""

    key: str  # "12 0" (object number and generation) or "p3/F1" for a direct dictionary
    name: str  # a resource name it is drawn under (/F1)
    base_font: str
    subtype: str  # /Type0, /TrueType, /Type1, /Type3, ...
    encoding: str  # /Identity-H, /WinAnsiEncoding, a predefined CMap, "custom" (a dictionary), ""
    descendant: str = ""  # /CIDFontType0 or /CIDFontType2 for a composite font
    ordering: str = ""  # the descendant's CIDSystemInfo Registry-Ordering (Adobe-GB1, Adobe-Identity)
    to_unicode: dict[int, str] | None = None  # None: the font has no ToUnicode
    program: str = ""  # /FontFile, /FontFile2 or /FontFile3 when the font program is embedded
    program_sha1: str = ""
    symbolic: bool = False  # the descriptor's Symbolic flag
    pages: tuple[int, ...] = field(default=(), compare=False)

    @property
    def composite(self) -> bool:
        return self.subtype == "/Type0"

    @property
    def code_bytes(self) -> int:
        """Bytes per code in its strings: two for Identity-H/V (and the 2-byte CJK CMaps, which
        poppler reads by themselves), one for a simple font."""
        return 2 if self.composite else 1

    @property
    def base_name(self) -> str:
        """The base font without a subset prefix (``ABCDEF+SimSun`` -> ``SimSun``), decoded from GBK
        where its bytes are not ASCII (a Chinese font name such as 宋体 written in GBK)."""
        name = self.base_font.split("+", 1)[1] if "+" in self.base_font[:7] else self.base_font
        return name


def _name_text(value: Any) -> str:
    """A PDF name or string as text: ASCII as is, other bytes read as GBK when they are GBK (the
    Chinese font names of Chinese producers, ``#CB#CE#CC#E5`` for 宋体), else as latin-1.

    >>> _name_text(pikepdf.Name("/ABCDEF+SimSun")), _unescape(b"#cb#ce#cc#e5").decode("gbk")
    ('ABCDEF+SimSun', '宋体')
    """
    raw = bytes(value.unparse()) if hasattr(value, "unparse") else str(value).encode("latin-1", "replace")
    raw = _unescape(raw[1:] if raw.startswith(b"/") else raw)
    for codec in ("ascii", "utf-8", "gbk"):  # valid UTF-8 is seldom an accident; GBK names are common
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _unescape(raw: bytes) -> bytes:
    """A name's ``#xx`` escapes as the bytes they stand for."""
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x23 and i + 2 < len(raw) + 1:
            try:
                out.append(int(raw[i + 1:i + 3], 16))
                i += 3
                continue
            except ValueError:
                pass
        out.append(raw[i])
        i += 1
    return bytes(out)


def _font_ref(key: str, name: str, font: pikepdf.Object, page: int) -> FontRef:
    subtype = str(font.get("/Subtype", ""))
    encoding_obj = font.get("/Encoding")
    encoding = (str(encoding_obj) if isinstance(encoding_obj, pikepdf.Name)
                else "custom" if encoding_obj is not None else "")
    descendant = font
    desc_type = ordering = ""
    if subtype == "/Type0":
        try:
            descendant = font.DescendantFonts[0]
            desc_type = str(descendant.get("/Subtype", ""))
            info = descendant.get("/CIDSystemInfo")
            if info is not None:
                ordering = f"{info.get('/Registry', '')}-{info.get('/Ordering', '')}"
        except (AttributeError, IndexError, TypeError, KeyError, pikepdf.PdfError):
            descendant = font
    to_unicode = None
    if "/ToUnicode" in font:
        try:
            to_unicode = read_tounicode(font)[0]
        except (pikepdf.PdfError, AttributeError, ValueError, TypeError):
            to_unicode = {}
    program = sha = ""
    symbolic = False
    descriptor = descendant.get("/FontDescriptor") if hasattr(descendant, "get") else None
    if descriptor is not None:
        try:
            symbolic = bool(int(descriptor.get("/Flags", 0)) & 4)
            for file_key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if file_key in descriptor:
                    program = file_key
                    sha = hashlib.sha1(descriptor[file_key].read_raw_bytes()).hexdigest()[:16]
                    break
        except (pikepdf.PdfError, TypeError, ValueError):
            pass
    base = font.get("/BaseFont")
    return FontRef(key, name, _name_text(base) if base is not None else "", subtype, encoding, desc_type, ordering,
                   to_unicode, program, sha, symbolic, (page,))


def _fonts_of(owner: Any, page: int, depth: int = 0) -> Iterator[tuple[str, str, pikepdf.Object]]:
    try:
        resources = owner.get("/Resources") if not isinstance(owner, pikepdf.Page) else owner.obj.get("/Resources")
        if resources is None:
            return
        for name, font in resources.get("/Font", {}).items():
            key = f"{font.objgen[0]} {font.objgen[1]}" if font.is_indirect else f"p{page}/{str(name).lstrip('/')}"
            yield key, str(name), font
        if depth == 0:
            for xobject in resources.get("/XObject", {}).values():
                if xobject.get("/Subtype") == pikepdf.Name.Form:
                    yield from _fonts_of(xobject, page, depth + 1)
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        return


def list_fonts(pdf: pikepdf.Pdf) -> dict[str, FontRef]:
    """Every font of ``pdf`` by key, with the pages that use it.

    >>> with pikepdf.open("samples/no_tounicode.pdf") as pdf:
    ...     fonts = list_fonts(pdf)
    >>> sorted((f.subtype, f.to_unicode is None) for f in fonts.values())[:2]
    [('/Type0', False), ('/Type0', True)]
    """
    fonts: dict[str, FontRef] = {}
    for number, page in enumerate(pdf.pages, start=1):
        for key, name, font in _fonts_of(page, number):
            if key in fonts:
                known = fonts[key]
                if number not in known.pages:
                    fonts[key] = FontRef(**{**known.__dict__, "pages": known.pages + (number,)})
                continue
            try:
                fonts[key] = _font_ref(key, name, font, number)
            except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
                continue
    return fonts


def font_object(pdf: pikepdf.Pdf, key: str) -> pikepdf.Object | None:
    """The font dictionary ``key`` names in ``pdf`` (the same file the inventory was made of)."""
    if not key.startswith("p"):
        number, generation = (int(part) for part in key.split())
        try:
            return pdf.get_object((number, generation))
        except (pikepdf.PdfError, ValueError):
            return None
    page_part, name = key[1:].split("/", 1)
    for _, font_name, font in _fonts_of(pdf.pages[int(page_part) - 1], int(page_part)):
        if font_name.lstrip("/") == name:
            return font
    return None
