"""What an embedded font program knows about its glyphs' characters (fontTools): its own cmap table
and its glyph names (the post table, a CFF charset: ``uni4E0D``, ``u2A6D6``, Adobe Glyph List names),
read back from the codes the PDF draws with, through the CIDToGIDMap or the simple font's code-to-glyph
lookup. A program with neither (subset fonts often drop both: pdf.js issue3405r) knows nothing.

``program_map`` answers code -> text for the codes it can, or nothing; ``installed_font_map`` asks the
installed font the subset was cut from (``installed``) about the glyphs' outlines.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pikepdf

from cwn_ocr.fonts.inventory import FontRef, font_object

logging.getLogger("fontTools").setLevel(logging.ERROR)  # a damaged table is no news to a user


def glyph_name_text(name: str) -> str:
    """The text a glyph name stands for (Adobe Glyph List and ``uniXXXX``/``uXXXXX`` names), or "".

    >>> glyph_name_text("uni5176"), glyph_name_text("u20BB7"), glyph_name_text("A"), glyph_name_text("glyph12")
    ('其', '𠮷', 'A', '')
    """
    from fontTools import agl

    name = name.split(".", 1)[0]  # "a.sc", "uni4E00.vert": the base glyph's text
    if not name or name == ".notdef":
        return ""
    return agl.toUnicode(name)


def _reverse_cmap(font: Any) -> dict[int, str]:
    """Glyph id -> character from the program's Unicode cmap tables (the first character each glyph
    is mapped from, BMP tables before full ones)."""
    reverse: dict[int, str] = {}
    order = font.getGlyphOrder()  # type: ignore[attr-defined]
    index = {name: gid for gid, name in enumerate(order)}
    tables = [t for t in font["cmap"].tables if t.isUnicode()]  # type: ignore[index]
    for table in sorted(tables, key=lambda t: (t.format != 4, t.platformID != 3)):
        for point, name in sorted(table.cmap.items()):
            gid = index.get(name)
            if gid is not None and gid not in reverse and 0x20 <= point and not 0xE000 <= point <= 0xF8FF:
                reverse[gid] = chr(point)
    return reverse


def _names(font: Any) -> dict[int, str]:
    """Glyph id -> character from the glyph names, when the program has real ones."""
    named = {}
    for gid, name in enumerate(font.getGlyphOrder()):  # type: ignore[attr-defined]
        text = glyph_name_text(name)
        if text and len(text) == 1 and not 0xE000 <= ord(text) <= 0xF8FF:
            named[gid] = text
    return named


_CIDCHAR = re.compile(r"begincidchar(.*?)endcidchar", re.S)
_CIDRANGE = re.compile(r"begincidrange(.*?)endcidrange", re.S)
_CIDCHAR_ENTRY = re.compile(r"<([0-9A-Fa-f]+)>\s+(\d+)")
_CIDRANGE_ENTRY = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s+(\d+)")


def cids_of(pdf_font: pikepdf.Object) -> dict[int, int] | None:
    """Code -> CID from a composite font's embedded CMap (its /Encoding stream); None for Identity-H/V
    and the predefined CMaps, whose codes the CIDs are (Identity) or poppler knows (the others).

    >>> cmap = "2 begincidchar <0000> 32 <0001> 11867 endcidchar 1 begincidrange <0010> <0012> 100 endcidrange"
    >>> sorted(_parse_cids(cmap).items())
    [(0, 32), (1, 11867), (16, 100), (17, 101), (18, 102)]
    """
    encoding = pdf_font.get("/Encoding")
    if not isinstance(encoding, pikepdf.Stream):
        return None
    return _parse_cids(encoding.read_bytes().decode("latin-1"))


def _parse_cids(cmap: str) -> dict[int, int]:
    cids: dict[int, int] = {}
    for section in _CIDCHAR.findall(cmap):
        for code, cid in _CIDCHAR_ENTRY.findall(section):
            cids[int(code, 16)] = int(cid)
    for section in _CIDRANGE.findall(cmap):
        for low, high, cid in _CIDRANGE_ENTRY.findall(section):
            for offset in range(min(int(high, 16) - int(low, 16) + 1, 65536)):
                cids[int(low, 16) + offset] = int(cid) + offset
    return cids


def _gid_of_code(pdf_font: Any, font: FontRef, program: Any, codes: Iterable[int]) -> dict[int, int]:
    """Code -> glyph id: through the embedded CMap (code -> CID, when there is one) and the
    CIDToGIDMap or the CFF charset for a composite font, through the program's own (symbol or Mac)
    cmap for a simple TrueType font."""
    codes = list(codes)
    if font.composite:
        cids = cids_of(pdf_font)
        if cids is not None:  # codes -> CIDs first; the rest of the way is the CIDs'
            by_code = {code: cids[code] for code in codes if code in cids}
            by_cid = _gid_of_code(_IdentityFont(pdf_font), font, program, set(by_code.values()))
            return {code: by_cid[cid] for code, cid in by_code.items() if cid in by_cid}
        descendant = pdf_font.DescendantFonts[0]
        gid_map = descendant.get("/CIDToGIDMap")
        if font.descendant == "/CIDFontType0":
            cff = program["CFF "].cff  # type: ignore[index]
            top = cff[cff.fontNames[0]]
            if hasattr(top, "ROS"):  # CID-keyed: the charset names glyphs "cidNNNNN"
                by_cid = {int(name[3:]): gid for gid, name in enumerate(program.getGlyphOrder())  # type: ignore
                          if name.startswith("cid") and name[3:].isdigit()}
                return {code: by_cid.get(code, 0) for code in codes}  # a CID it lacks draws .notdef
            return {code: code for code in codes}
        if isinstance(gid_map, pikepdf.Stream):
            raw = gid_map.read_bytes()
            return {code: int.from_bytes(raw[2 * code:2 * code + 2], "big")
                    for code in codes if 2 * code + 2 <= len(raw)}
        return {code: code for code in codes}
    order = program.getGlyphOrder()  # type: ignore[attr-defined]
    index = {name: gid for gid, name in enumerate(order)}
    if "cmap" not in program:  # type: ignore[operator]
        return {}
    gids: dict[int, int] = {}
    for table in program["cmap"].tables:  # type: ignore[index]
        for code in codes:
            if code in gids:
                continue
            for point in ((0xF000 + code, code) if table.platformID == 3 and table.platEncID == 0 else (code,)):
                name = table.cmap.get(point)
                if name in index:
                    gids[code] = index[name]
                    break
    return gids


def _program(pdf: pikepdf.Pdf, font: FontRef) -> tuple[pikepdf.Object, Any] | None:
    """The font's PDF dictionary and its program read with fontTools, or None."""
    if not font.program:
        return None
    pdf_font = font_object(pdf, font.key)
    if pdf_font is None:
        return None
    from fontTools.ttLib import TTFont

    descendant = pdf_font.DescendantFonts[0] if font.composite else pdf_font
    data = descendant.FontDescriptor[font.program].read_bytes()
    if font.program == "/FontFile3":
        from fontTools.cffLib import CFFFontSet  # a bare CFF program: wrap it to read it like an OpenType one

        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        return pdf_font, _BareCff(cff)
    if font.program == "/FontFile2":
        return pdf_font, TTFont(io.BytesIO(data), lazy=True)
    return None


def blank_codes(pdf: pikepdf.Pdf, font: FontRef, codes: Iterable[int]) -> set[int]:
    """The ``codes`` whose glyphs draw nothing (a space): no OCR can read them, and each is a space.

    The program's own outlines say so: a TrueType glyph without contours, a CFF charstring that
    draws no path."""
    from fontTools.pens.boundsPen import BoundsPen

    try:
        found = _program(pdf, font)
        if found is None:
            return set()
        pdf_font, program = found
        gids = _gid_of_code(pdf_font, font, program, codes)
        order = program.getGlyphOrder()  # type: ignore[attr-defined]
        if isinstance(program, _BareCff):
            top = program.cff[program.cff.fontNames[0]]  # type: ignore[attr-defined, index]
            strings = top.CharStrings
            blank = set()
            for code, gid in gids.items():
                if gid < len(order):
                    pen = BoundsPen(None)
                    strings[order[gid]].draw(pen)  # subroutines followed: what the glyph really draws
                    if pen.bounds is None:
                        blank.add(code)
            return blank
        glyf = program["glyf"]  # (a composite glyph has contours of its parts: -1, not 0)
        return {code for code, gid in gids.items() if gid < len(order) and glyf[order[gid]].numberOfContours == 0}
    except Exception:  # noqa: BLE001  (a damaged program proves nothing)
        return set()


#: A glyph this wide (of the 1000 units of a simple font's text space) is a full-width one: an em.
FULL_EM = 900.0


def narrow_by_nature(char: str) -> bool:
    """Whether ``char`` is one no Chinese font draws an em wide: ASCII (a CJK font's Latin is half-width
    or proportional) or a Latin-1 character outside GB2312's two-byte (full-width) symbols.

    >>> [narrow_by_nature(c) for c in ("B", "½", "Ø", "”", "°", "±", "—", "·")]
    [True, True, True, False, False, False, False, False]
    """
    if "\x21" <= char <= "\x7e":
        return True
    try:
        return len(char.encode("gbk")) != 2
    except UnicodeEncodeError:
        return True


def one_byte_char(code: int) -> str:
    """The character a simple font's one-byte ``code`` is under WinAnsi (cp1252), what poppler reads for a
    font without a map of its own.

    >>> one_byte_char(0x42), one_byte_char(0xBD), one_byte_char(0x94)
    ('B', '½', '”')
    """
    return bytes([code & 0xFF]).decode("cp1252", "replace")


def em_wide_misreads(pdf: pikepdf.Pdf, font: FontRef, codes: Iterable[int]) -> list[int]:
    """The ``codes`` of a simple font that draws nothing but em-wide glyphs (its /Widths, every code
    it is drawn with) while the character its one-byte encoding gives a code is one no Chinese font
    draws that wide (``narrow_by_nature``), or while it has no /Encoding at all (a symbolic font's
    codes only number its glyphs): a Chinese subset's glyph numbers, which poppler reads as Latin text
    that looks plain (``B``, ``8``, ``½``, ``¤``: MinerU's garbled_formula, simple SimSun subsets
    without /Encoding). A font with any narrower glyph (a CJK font's proportional Latin: Microsoft
    YaHei Bold draws ``M`` 1028 units wide, ``a`` half that) or a /Differences encoding (whose codes
    are not cp1252's) gives none."""
    used = sorted(set(codes))
    pdf_font = font_object(pdf, font.key) if not font.composite and font.subtype != "/Type3" else None
    if pdf_font is None or not used or font.encoding not in ("", "/WinAnsiEncoding", "/StandardEncoding"):
        return []
    try:
        first = int(pdf_font.get("/FirstChar", 0))
        widths = [float(w) for w in pdf_font.get("/Widths", [])]
    except (TypeError, ValueError):
        return []
    if not all(first <= code < first + len(widths) and widths[code - first] >= FULL_EM for code in used):
        return []
    return [code for code in used
            if not font.encoding or narrow_by_nature(one_byte_char(code))]


def program_map(pdf: pikepdf.Pdf, font: FontRef, codes: Iterable[int]) -> tuple[dict[int, str], str]:
    """Code -> character for the ``codes`` the font program knows, and where that came from
    (``"font program cmap"`` or ``"glyph names"``); nothing when the program is absent, unreadable,
    or knows none of them."""
    try:
        found = _program(pdf, font)
        if found is None:
            return {}, ""
        pdf_font, program = found
        gids = _gid_of_code(pdf_font, font, program, codes)
        sources = []
        if font.program == "/FontFile2" and "cmap" in program:
            sources.append(("font program cmap", _reverse_cmap(program)))
        sources.append(("glyph names", _names(program)))
        for label, by_gid in sources:
            known = {code: by_gid[gid] for code, gid in gids.items() if gid in by_gid}
            if known:
                return known, label
    except Exception:  # noqa: BLE001  (a damaged font program is evidence of nothing, never an error)
        return {}, ""
    return {}, ""


def installed_font_map(pdf: pikepdf.Pdf, font: FontRef, codes: Iterable[int], *,
                       hints: Mapping[int, str] | None = None) -> tuple[dict[int, str], str]:
    """Code -> character for the ``codes`` whose glyphs the installed font the subset was cut from
    draws with the same outline (``installed``), and where that came from; nothing when the program
    is absent or unreadable, or no installed font draws them. A glyph of several characters takes
    the one the font's own map gives, else the one ``hints`` gives, where it is among them."""
    from cwn_ocr.fonts.installed import installed_map

    try:
        found = _program(pdf, font)
        if found is None:
            return {}, ""
        pdf_font, program = found
        order = program.getGlyphOrder()  # type: ignore[attr-defined]
        names = {code: order[gid] for code, gid in _gid_of_code(pdf_font, font, program, codes).items()
                 if 0 < gid < len(order)}
        known, face = installed_map(font.base_font, program, names, hints={**(hints or {}), **(font.to_unicode or {})})
    except Exception:  # noqa: BLE001  (a damaged font program is evidence of nothing, never an error)
        return {}, ""
    return (known, f"the installed font {face} (same outlines)") if known else ({}, "")


class _IdentityFont:
    """A composite font's dictionary as if its codes were its CIDs (for ``_gid_of_code``)."""

    def __init__(self, font: pikepdf.Object) -> None:
        self.DescendantFonts = font.DescendantFonts  # noqa: N815  (the PDF key)

    def get(self, key: str, default: object = None) -> object:
        return default


class _BareCff:
    """Just enough of TTFont's face over a bare CFF program (FontFile3) for ``_gid_of_code``/``_names``."""

    def __init__(self, cff: object) -> None:
        self.cff = cff
        top = cff[cff.fontNames[0]]  # type: ignore[attr-defined, index]
        self._order = list(top.charset)

    def getGlyphOrder(self) -> list[str]:  # noqa: N802  (TTFont's name)
        return self._order

    def __getitem__(self, tag: str) -> object:
        if tag == "CFF ":
            return self
        raise KeyError(tag)

    def __contains__(self, tag: str) -> bool:
        return tag == "CFF "
