"""Composite CFF fonts re-encoded so that every extractor reads them: the same glyphs, drawn the same.

fpdf2 (and other writers) embed an OpenType-CFF font (Noto Sans/Serif CJK, Source Han) as a Type0 font
whose /Encoding is an embedded CMap *stream*: ``cidchar`` entries send the subset's codes (0, 1, 2, …)
to the original font's CIDs (``<0001> 11205``). poppler, MuPDF and pdfium apply it; pdfminer.six (and
with it pdfplumber) looks the stream up by its /CMapName, finds no such predefined CMap and drops
every string drawn in the font; pypdf reads the stream as a one-byte encoding and doubles the text.
The page is right and a third of the extractors read nothing of it.

The fix changes no glyph: inside the CFF program each glyph is renumbered to the code that selects
it (its charset: glyph ``gid`` gets CID = code), /W is re-keyed from old CID to code, and the font's
/Encoding becomes /Identity-H. Content streams and /ToUnicode (keyed by code) stay as they are, so
every code draws the same outline at the same advance width. Done only where that is provably so
(``reencode_font`` says why not, otherwise):

- the CMap has one codespace ``<0000> <FFFF>`` (Identity-H's byte split), no ``usecmap``, no notdef
  ranges, horizontal writing;
- every glyph but .notdef is selected by some code (none becomes reachable that was not); a glyph two
  codes select is copied, so that each code has its own (the same outline);
- code 0 selects .notdef or nothing, or else no content in the document shows a 0x0000 code at all
  (pages, every form, tiling pattern and annotation appearance; a Type3 font or an unreadable stream
  counts as showing it);
- the font has a /ToUnicode and its CIDFont's ordering is Identity (without a map, poppler reads a
  font through its CIDs, which change), the program is a CID-keyed bare CFF, and its objects are not
  shared with another font.

>>> sorted(_codespaces("1 begincodespacerange <0000> <FFFF> endcodespacerange"))
[('0000', 'FFFF')]
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

import pikepdf

from cwn_ocr.fonts.program import cids_of
from cwn_ocr.layer.provenance import TEXT_SHOWING, operator_name, shown_strings

_CODESPACE = re.compile(r"begincodespacerange(.*?)endcodespacerange", re.S)
_HEX_PAIR = re.compile(r"<\s*([0-9A-Fa-f]+)\s*>\s*<\s*([0-9A-Fa-f]+)\s*>")
_NOT_ALLOWED = re.compile(r"\busecmap\b|beginnotdef|beginbf|/WMode\s+1")


@dataclass(frozen=True)
class Reencoded:
    """One font re-encoded (or left alone, with ``reason``)."""

    base_font: str
    codes: int = 0
    reason: str = ""  # why it was left alone ("" when re-encoded)


def _codespaces(cmap: str) -> list[tuple[str, str]]:
    return [(low.upper(), high.upper()) for section in _CODESPACE.findall(cmap)
            for low, high in _HEX_PAIR.findall(section)]


def _widths(array: Any, default: float) -> dict[int, float]:
    """A CIDFont's /W as CID -> width."""
    items = list(array) if isinstance(array, pikepdf.Array) else []
    out: dict[int, float] = {}
    i = 0
    while i + 1 < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            out.update({first + k: float(w) for k, w in enumerate(items[i + 1])})
            i += 2
        elif i + 2 < len(items):
            out.update(dict.fromkeys(range(first, int(items[i + 1]) + 1), float(items[i + 2])))
            i += 3
        else:
            break
    return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def widths_array(by_code: dict[int, float], gap: float, default: float) -> pikepdf.Array:
    """/W for codes: each mapped code's width (runs of consecutive codes in one list), and where codes
    no entry maps once drew CID 0 at a width other than /DW, ranges giving them that width still.

    >>> [int(x) if not isinstance(x, pikepdf.Array) else [int(y) for y in x]
    ...  for x in widths_array({1: 500, 2: 600, 4: 1000}, 1000, 1000)]
    [1, [500, 600]]
    """
    entries: list[tuple[int, list[Any]]] = []
    run: list[int] = []
    for code in [*sorted(c for c, w in by_code.items() if w != default), None]:
        if run and (code is None or code != run[-1] + 1):
            entries.append((run[0], [run[0], pikepdf.Array([_number(by_code[c]) for c in run])]))
            run = []
        if code is not None:
            run.append(code)
    if gap != default:
        previous = -1
        for code in [*sorted(by_code), 0x10000]:
            if code > previous + 1:
                entries.append((previous + 1, [previous + 1, code - 1, _number(gap)]))
            previous = code
    return pikepdf.Array([item for _, items in sorted(entries, key=lambda e: e[0]) for item in items])


def _cff(data: bytes) -> Any:
    from fontTools.cffLib import CFFFontSet

    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    if len(cff.fontNames) != 1 or not hasattr(cff[cff.fontNames[0]], "ROS"):
        raise ValueError("not a single CID-keyed CFF font")
    return cff


def _glyph_cids(cff: Any) -> list[int]:
    """Each glyph's CID, by glyph id (CID-keyed CFF names its glyphs ``cidNNNNN``)."""
    return [0 if name == ".notdef" else int(name[3:]) for name in cff[cff.fontNames[0]].charset]


def _renumbered(cff: Any, new_cid: dict[int, int], copies: list[tuple[int, int]]) -> bytes:
    """The CFF program with each glyph's CID ``new_cid[old CID]``, and for each (old CID, code) of
    ``copies`` one more glyph, a copy of that one, as CID ``code`` (two codes that drew one glyph draw
    a glyph each under Identity-H, the same outline)."""
    from fontTools.ttLib import TTFont

    top = cff[cff.fontNames[0]]
    strings = top.CharStrings
    if not strings.charStringsAreIndexed:
        raise ValueError("CFF charstrings not indexed")
    old = _glyph_cids(cff)
    names = [".notdef"] + [f"cid{new_cid[cid]:05d}" for cid in old[1:]]
    for cid, code in copies:
        gid = old.index(cid)
        strings.charStringsIndex.append(strings.charStringsIndex[gid])
        if hasattr(top, "FDSelect"):
            top.FDSelect.append(top.FDSelect[gid])
        names.append(f"cid{code:05d}")
    top.charset = names
    strings.charStrings = {name: gid for gid, name in enumerate(names)}
    top.CIDCount = max(getattr(top, "CIDCount", 8720), max([*new_cid.values(), *(c for _, c in copies)]) + 1)
    out = io.BytesIO()
    cff.compile(out, TTFont(recalcBBoxes=False))
    return out.getvalue()


def _contents(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Every content stream owner: pages, and every form XObject, tiling pattern or annotation
    appearance in the file, whoever draws it (a soft mask's group is a form too)."""
    yield from pdf.pages
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and (obj.get("/Subtype") == pikepdf.Name.Form
                                                or obj.get("/PatternType") == 1):
            yield obj
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots") or []:
            appearance = annotation.get("/AP") if isinstance(annotation, pikepdf.Dictionary) else None
            for state in (appearance.values() if isinstance(appearance, pikepdf.Dictionary) else []):
                streams = [state] if isinstance(state, pikepdf.Stream) else \
                    list(state.values()) if isinstance(state, pikepdf.Dictionary) else []
                yield from (stream for stream in streams if isinstance(stream, pikepdf.Stream))


def shows_code_zero(pdf: pikepdf.Pdf) -> bool:
    """Whether any text in the document may show the two-byte code 0x0000 (any font: a safe answer
    without following fonts through graphics states; a Type3 font's procedures or a stream that
    cannot be read count as showing it)."""
    for font in pdf.objects:
        if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == pikepdf.Name.Type3:
            return True
    for owner in _contents(pdf):
        try:
            instructions = pikepdf.parse_content_stream(owner)
        except (pikepdf.PdfError, ValueError, TypeError):
            return True
        for instruction in instructions:
            if not isinstance(instruction, pikepdf.ContentStreamInstruction) or \
                    operator_name(instruction) not in TEXT_SHOWING:
                continue
            for data in shown_strings(instruction):
                if any(data[i:i + 2] == b"\0\0" for i in range(0, len(data) - 1, 2)):
                    return True
    return False


def reencode_font(font: pikepdf.Dictionary, zero_shown: Any) -> Reencoded | None:
    """Re-encode one Type0 font in place when it has an embedded CID CMap over a CID-keyed CFF program
    and the conditions above hold; None when it is no such font. ``zero_shown()`` answers whether code
    0 may be drawn (asked only when code 0 selects a real glyph)."""
    encoding = font.get("/Encoding")
    if font.get("/Subtype") != pikepdf.Name.Type0 or not isinstance(encoding, pikepdf.Stream):
        return None
    name = str(font.get("/BaseFont", "")).lstrip("/")
    try:
        descendant = font.DescendantFonts[0]
        program = descendant.FontDescriptor.get("/FontFile3")
        if descendant.get("/Subtype") != pikepdf.Name.CIDFontType0 or program is None or \
                program.get("/Subtype") != pikepdf.Name.CIDFontType0C:
            return None
        if not isinstance(font.get("/ToUnicode"), pikepdf.Stream):
            return Reencoded(name, reason="no /ToUnicode map stream: extractors read it through its CIDs")
        system = descendant.get("/CIDSystemInfo")
        if not isinstance(system, pikepdf.Dictionary) or str(system.get("/Ordering", "")) != "Identity":
            return Reencoded(name, reason="its CIDs belong to a character collection")
        text = encoding.read_bytes().decode("latin-1")
        if "/UseCMap" in encoding or int(encoding.get("/WMode", 0)) or _NOT_ALLOWED.search(text) or \
                _codespaces(text) != [("0000", "FFFF")]:
            return Reencoded(name, reason="its CMap is not two-byte codes to CIDs alone")
        cids = cids_of(font) or {}
        cff = _cff(program.read_bytes())
        present = set(_glyph_cids(cff))
        if cids.get(0, 0) != 0 and cids[0] in present:
            if zero_shown():
                return Reencoded(name, reason="code 0 draws a glyph and may be shown")
            del cids[0]
        code_of: dict[int, int] = {}
        copies: list[tuple[int, int]] = []  # a glyph two codes draw (fpdf2: Noto's one glyph for · and •)
        for code, cid in sorted(cids.items()):
            if cid in present and cid != 0:
                if cid in code_of:
                    copies.append((cid, code))
                else:
                    code_of[cid] = code
        if any(cid not in code_of for cid in present - {0}):
            return Reencoded(name, reason="a glyph no code draws")
        default = float(descendant.get("/DW", 1000))
        old = _widths(descendant.get("/W"), default)
        new_w = widths_array({code: old.get(cid, default) for code, cid in cids.items()}, old.get(0, default),
                             default)
        data = _renumbered(cff, code_of, copies)
    except Exception as exc:  # noqa: BLE001  (a damaged program or dictionary: left as it is, never a crash)
        return Reencoded(name, reason=f"unreadable ({type(exc).__name__}: {str(exc)[:60]})")
    program.write(data)
    for key in ("/Length1", "/Length2", "/Length3"):
        if key in program:
            del program[key]
    descendant.W = new_w
    if "/CIDSet" in descendant.FontDescriptor:  # the glyphs' old CIDs: stale now, and optional
        del descendant.FontDescriptor["/CIDSet"]
    font.Encoding = pikepdf.Name("/Identity-H")
    return Reencoded(name, len(cids))


def reencode_fonts(pdf: pikepdf.Pdf) -> dict[tuple[int, int], Reencoded]:
    """Every font of ``pdf`` that ``reencode_font`` applies to, by object: re-encoded in place, or left
    alone with the reason. Fonts that share a descendant or a program are left alone (re-encoding one
    would change the other)."""
    every = list(_type0_fonts(pdf))
    users: dict[tuple[int, int], int] = {}
    for font in every:
        for part in _parts(font):
            users[part] = users.get(part, 0) + 1
    fonts = [font for font in every if font.is_indirect and isinstance(font.get("/Encoding"), pikepdf.Stream)]
    zero_shown = cache(partial(shows_code_zero, pdf))  # read the streams once, and only if asked
    done: dict[tuple[int, int], Reencoded] = {}
    for font in fonts:
        if any(users.get(part, 0) > 1 for part in _parts(font)):
            done[font.objgen] = Reencoded(str(font.get("/BaseFont", "")).lstrip("/"),
                                          reason="its program is shared with another font")
            continue
        outcome = reencode_font(font, zero_shown)
        if outcome is not None:
            done[font.objgen] = outcome
    return done


def _type0_fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every Type0 font dictionary in the file, indirect or written inline in another object."""
    def walk(obj: Any, depth: int) -> Iterator[pikepdf.Dictionary]:
        if isinstance(obj, pikepdf.Dictionary) and not isinstance(obj, pikepdf.Stream):
            if obj.get("/Subtype") == pikepdf.Name.Type0:
                yield obj
            values: Any = obj.values()
        elif isinstance(obj, pikepdf.Array):
            values = obj
        else:
            return
        if depth < 6:
            for value in values:
                if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                    yield from walk(value, depth + 1)

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            yield from (font for value in obj.stream_dict.values() if not getattr(value, "is_indirect", True)
                        for font in walk(value, 1))
        else:
            yield from walk(obj, 0)


def _parts(font: pikepdf.Dictionary) -> list[tuple[int, int]]:
    """The indirect objects a Type0 font's glyphs come from (descendant, descriptor, program)."""
    parts = []
    try:
        descendant = font.DescendantFonts[0]
        descriptor = descendant.get("/FontDescriptor")
        for obj in (descendant, descriptor, descriptor.get("/FontFile3") if descriptor is not None else None):
            if obj is not None and obj.is_indirect:
                parts.append(obj.objgen)
    except (KeyError, IndexError, AttributeError, TypeError, pikepdf.PdfError):
        pass
    return parts
