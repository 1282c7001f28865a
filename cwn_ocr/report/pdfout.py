"""The repaired PDF: the same pages, with a text layer that extracts as the repaired text.

Written with pikepdf (qpdf); no PDF bytes are assembled by hand. For each page whose text changed:

- an invisible layer (text render mode 3) made by an earlier OCR is removed from the page's
  content stream: its text-showing operators are dropped, everything else stays;
- visible text whose extraction is wrong (a font without a usable ToUnicode map, mojibake,
  radicals) keeps its glyphs exactly as they are, and is marked as having no text of its own
  (marked content with an empty ``/ActualText``), so extractors that honour it skip it;
- the same is done inside the Form XObjects the page draws (on copies: another page may share them);
- the repaired lines are added as one new invisible layer, each line placed over its box in a
  glyphless font (Tesseract's GlyphLessFont, as OCRmyPDF does) whose codes are the characters'
  UTF-16 code units, an em wide for the characters Unicode calls wide (Han, full-width forms)
  and half an em for the rest, body lines in one size: selecting text in a viewer highlights the
  right place, and extractors that group lines into blocks by geometry (poppler, pdfminer.six)
  find the page's columns and paragraphs.

Pages with nothing to repair are left as the original objects, but for fonts extractors misread
(``fonts.reencode``: a CFF font under an embedded CMap, re-encoded with the same glyphs) and broken
fonts' recovered maps. The method used per page is reported (``removed-invisible-layer``,
``actualtext`` with the fonts whose text was marked, ``fonts re-encoded for extractors``). The
file is marked with ``/CwnOcr`` in its document information so that a second repair recognises
its own layer and leaves it alone.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pikepdf

from cwn_ocr.atomic import write_atomic
from cwn_ocr.errors import OutputError
from cwn_ocr.fonts.cmaps import identity_cmap, tounicode_cmap
from cwn_ocr.fonts.inventory import font_object, list_fonts
from cwn_ocr.fonts.program import cids_of
from cwn_ocr.fonts.reencode import reencode_fonts
from cwn_ocr.layer.marker import MARK
from cwn_ocr.layer.provenance import TEXT_SHOWING, operator_name, page_rotation, shown_strings
from cwn_ocr.merge.splice import RepairedLine, Source
from cwn_ocr.model import BBox
from cwn_ocr.run.pipeline import PageResult, RepairResult

_FONT_NAME = "/CwnGlyphLess"


def is_wide(char: str) -> bool:
    """A character Unicode calls East Asian wide or full-width (W or F, assigned): Han, kana, Hangul,
    full-width forms, CJK punctuation (，。、「」). Characters of ambiguous width
    (“ ” — … · ℃, which a Chinese font sets an em wide and an English one narrow) count as narrow; a line
    holding them still fills its box, its characters a little off the printed ones.

    >>> [is_wide(c) for c in "安，Ａa,"]
    [True, True, True, False, False]
    """
    return unicodedata.east_asian_width(char) in "WF" and unicodedata.category(char) != "Cn"


@cache
def wide_widths() -> tuple[int, ...]:
    """The glyphless font's /W entries: ``first last 1000`` for each run of BMP code units that
    ``is_wide``; every other code keeps the default width, half an em.

    >>> [hex(n) for n in wide_widths()[:3]]  # Hangul's leading consonants
    ['0x1100', '0x115f', '0x3e8']
    """
    entries: list[int] = []
    start = None
    for code in range(0x10000 + 1):
        wide = code < 0x10000 and not 0xD800 <= code < 0xE000 and is_wide(chr(code))
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            entries += [start, code - 1, 1000]
            start = None
    return tuple(entries)


def glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """A Type0 font whose every code (a UTF-16 unit) draws the same empty glyph: an em wide for
    the characters East Asian text sets full-width (``is_wide``), half an em for the rest, so
    that a line's glyphs fall where the page prints its characters."""
    program = resources.files("cwn_ocr").joinpath("data/GlyphLessFont.ttf").read_bytes()
    cid_to_gid = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 65536))
    cid_to_gid.Filter = pikepdf.Name.FlateDecode
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.GlyphLessFont, Flags=5,
        FontBBox=[0, 0, 500, 1000], ItalicAngle=0, Ascent=1000, Descent=-1, CapHeight=1000, StemV=80,
        FontFile2=pikepdf.Stream(pdf, program))
    descendant = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name.GlyphLessFont,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                         Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor), DW=500, W=pikepdf.Array(wide_widths()),
        CIDToGIDMap=pdf.make_indirect(cid_to_gid))
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.GlyphLessFont,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[pdf.make_indirect(descendant)],
        ToUnicode=pdf.make_indirect(pikepdf.Stream(pdf, identity_cmap())))
    return pdf.make_indirect(font)


_NOT_ONE_CODE = re.compile("[^\u0000-\ud7ff\ue000-\uffff]")


def _one_code(text: str) -> str:
    """The characters of ``text`` that have a 2-byte code of their own (a UTF-16 unit): those outside
    the BMP (and lone surrogates) are left out.

    >>> _one_code("A安\\U0001F600\\udc80").encode("utf-16-be").hex()
    '00415b89'
    """
    return _NOT_ONE_CODE.sub("", text)


#: The font size of an invisible line over its box's height: ideographs' ink fills about 0.9 of their
#: em, so text whose line box is 10 pt high is set about 11 pt (poppler joins lines into one block only
#: when their baselines are less than 1.5 font sizes apart: at 0.9 of the box, lines set 1.4-1.5 ems
#: apart, as Chinese text often is, came out one block each, and two columns were read line by line in
#: turn).
EM_PER_HEIGHT = 1.1
#: Lines stand at least this many font sizes apart: a font size is never more than the page's line pitch
#: over it. A skewed scan's line boxes are taller than its text by the slope (22.7 pt boxes 16.6 pt
#: apart on a 2.5-degree scan): sized by their height, each line's glyphs reached into the next, and
#: pdfium read neighbouring lines as one.
LINE_SPACING = 1.25
#: Boxes from ``BODY[0]`` to ``BODY[1]`` times the page's median height are body text set in one size:
#: they differ by their ink (descenders, tall brackets) and a skewed scan's slope, not by type size, and
#: poppler keeps lines whose sizes differ by more than 5 % out of one block. Small print at 0.7 of the
#: body's height is a size of its own.
BODY = (0.75, 1.6)
#: A line outside the body nearer the line below or above than this many times its size is set in that
#: pitch over ``LINE_SPACING``: pdfium reads two lines as one where one's glyphs reach the other's baseline
#: (7 pt small print 9 pt apart). Body lines keep the body's size: a skewed scan's short lines stand
#: up to a third nearer their neighbours (their boxes' middles are off the slope's), and sizes of
#: their own among them made poppler cut its columns into blocks again.
TIGHT = 1.05


def _pitches(boxes: list[BBox], same_row: float) -> list[tuple[float | None, float | None]]:
    """Per box, the distances from its middle down to the nearest other box's middle below it and up to
    the nearest above (boxes that overlap it across and lie more than ``same_row`` away); None without
    one. The body's pitch is taken below only, so that each pair of neighbours counts once: nearest
    either way, a skewed scan's short last lines of paragraphs counted twice, pulled the body's size
    down, and pdftotext read two degraded scans of the stress corpus at 4.6 and 7.9 % CER instead of
    3.5 and 5.1 %."""
    middles = [(box.y0 + box.y1) / 2 for box in boxes]
    found: list[tuple[float | None, float | None]] = []
    for box, middle in zip(boxes, middles):
        apart = [other_middle - middle for other, other_middle in zip(boxes, middles)
                 if abs(other_middle - middle) > same_row and min(box.x1, other.x1) > max(box.x0, other.x0)]
        below, above = [d for d in apart if d > 0], [-d for d in apart if d < 0]
        found.append((min(below) if below else None, min(above) if above else None))
    return found


def line_sizes(boxes: list[BBox]) -> list[float]:
    """The font size of each line of a page (its box, top-left based). Body lines (``BODY``) share one:
    ``EM_PER_HEIGHT`` times their median height, at most their median pitch (``_pitches``) over
    ``LINE_SPACING``; other lines ``EM_PER_HEIGHT`` times their own height, or their pitch over
    ``LINE_SPACING`` where they are set tighter than that (``TIGHT``: small print).

    >>> from cwn_ocr.model import BBox
    >>> line_sizes([BBox(0, y, 200, y + 10) for y in (0, 16, 32)])  # 10 pt lines 16 pt apart
    [11.0, 11.0, 11.0]
    >>> line_sizes([BBox(0, y, 200, y + 34) for y in (0, 16, 32)])  # a skewed scan's tall boxes
    [12.8, 12.8, 12.8]
    >>> line_sizes([BBox(0, y, 200, y + 10) for y in (0, 16, 32)] + [BBox(0, y, 200, y + 7) for y in (60, 67)])
    [11.0, 11.0, 11.0, 5.6, 5.6]
    """
    if not boxes:
        return []
    heights = sorted(box.height for box in boxes)
    median = heights[len(heights) // 2]
    pitches = _pitches(boxes, median / 4)
    body = {k for k, box in enumerate(boxes) if BODY[0] * median <= box.height <= BODY[1] * median}
    body_heights = sorted(boxes[k].height for k in body)
    size = EM_PER_HEIGHT * body_heights[len(body_heights) // 2] if body else 0.0
    body_pitches = sorted(below for k in body if (below := pitches[k][0]) is not None)
    if body_pitches:
        size = min(size, body_pitches[len(body_pitches) // 2] / LINE_SPACING)
    sizes = []
    for k, box in enumerate(boxes):
        own = size if k in body else EM_PER_HEIGHT * box.height
        near = [p for p in pitches[k] if p is not None]
        if k not in body and near and min(near) < TIGHT * own:
            own = min(near) / LINE_SPACING
        sizes.append(round(max(1.0, own), 2))
    return sizes


def text_layer(lines: list[RepairedLine], page_height: float, origin: tuple[float, float]) -> bytes:
    """Content stream operators drawing each line invisibly over its box (boxes are top-left based):
    in the font size ``line_sizes`` gives it, centred on its box, its glyphs (an em or half an em
    wide, ``glyphless_font``) scaled to fill the box's width.

    >>> from cwn_ocr.model import BBox
    >>> box = BBox(100, 100, 180, 110)  # 5 ideographs and 6 narrow characters: 8 ems of 10 pt
    >>> text_layer([RepairedLine("安顺市 2024 年末", "ocr", "", (), box)], 842.0, (0.0, 0.0)).split(b"\\n")[3]
    b'/CwnGlyphLess 11.00 Tf 90.91 Tz 1 0 0 1 100.00 731.50 Tm'

    A line on the page's edge (a page number in the bottom margin) stays on the page:

    >>> edge = BBox(0, 782, 27.2, 792)
    >>> text_layer([RepairedLine("1 sur 1", "layer", "1 sur 1", (0,), edge)], 792.0, (0.0, 0.0)).split(b"\\n")[3]
    b'/CwnGlyphLess 11.00 Tf 70.65 Tz 1 0 0 1 0.00 0.00 Tm'
    """
    x_origin, y_origin = origin
    ops = [b"q", b"BT", b"3 Tr"]
    drawn = [(line.bbox, text) for line in lines
             if (text := _one_code(line.text)) and line.bbox.width > 0 and line.bbox.height > 0]
    for (box, text), size in zip(drawn, line_sizes([box for box, _ in drawn])):
        natural = sum(1.0 if is_wide(c) else 0.5 for c in text) * size  # the text is not empty
        scale = max(1.0, min(1000.0, 100.0 * box.width / natural))
        # the glyphs (from the baseline up one em: the font's ascent) centred on the box
        baseline = y_origin + page_height - (box.y0 + box.y1) / 2 - size / 2
        # and inside the page: extractors drop glyphs that stand off it (a page number printed in the
        # bottom margin, its box on the page's edge)
        baseline = min(max(baseline, y_origin), y_origin + page_height - size)
        ops.append(f"{_FONT_NAME} {size:.2f} Tf {scale:.2f} Tz 1 0 0 1 {x_origin + box.x0:.2f} {baseline:.2f} Tm"
                   .encode("ascii"))
        ops.append(b"<" + text.encode("utf-16-be").hex().upper().encode("ascii") + b"> Tj")
    ops += [b"ET", b"Q"]
    return b"\n".join(ops) + b"\n"


def turned_layer(lines: list[RepairedLine], shown_height: float, mediabox: Any, rotation: int) -> bytes:
    """``text_layer`` for a page whose boxes are as it is shown (poppler's), ``shown_height`` high, on a page
    with this media box (x0, y0, x1, y1) and ``/Rotate``: on a turned page the lines are drawn in the shown
    page's space, which a ``cm`` maps onto the page's own (a line runs left to right as the page is read,
    not along the unturned page's x axis).

    >>> from cwn_ocr.model import BBox
    >>> line = RepairedLine("Lorem ipsum", "ocr", "", (), BBox(10, 20, 110, 30))
    >>> turned_layer([line], 595.0, (0, 0, 595, 420), 270).split(b"\\n")[:2]
    [b'q', b'0 -1 1 0 0.00 420.00 cm']
    >>> turned_layer([line], 842.0, (0, 0, 595, 842), 0) == text_layer([line], 842.0, (0.0, 0.0))
    True
    """
    x0, y0, x1, y1 = (float(v) for v in mediabox)
    width, height = abs(x1 - x0), abs(y1 - y0)
    x0, y0 = min(x0, x1), min(y0, y1)
    if rotation not in (90, 180, 270):
        return text_layer(lines, shown_height, (x0, y0))
    # shown (x, y), y up from the shown page's foot -> the page's own
    matrix = {90: (0, 1, -1, 0, x0 + width, y0), 180: (-1, 0, 0, -1, x0 + width, y0 + height),
              270: (0, -1, 1, 0, x0, y0 + height)}[rotation]
    cm = " ".join(f"{v}" for v in matrix[:4]) + f" {matrix[4]:.2f} {matrix[5]:.2f} cm"
    return b"q\n" + cm.encode("ascii") + b"\n" + text_layer(lines, shown_height, (0.0, 0.0)) + b"Q\n"


@dataclass
class Neutralised:
    removed: int = 0  # invisible text-showing operators dropped
    wrapped: int = 0  # visible ones marked with an empty ActualText
    fonts: set[str] = field(default_factory=set)  # fonts whose visible text was marked

    @property
    def method(self) -> str:
        parts = [m for m, n in (("removed-invisible-layer", self.removed), ("actualtext", self.wrapped)) if n]
        return "+".join(parts) or "added"


def _neutralise(owner: Any, tally: Neutralised, pdf: pikepdf.Pdf, depth: int = 0) -> bytes:
    """``owner``'s content (a page or a Form XObject) without its invisible text and with its visible
    text made to extract as nothing: wrapped in an empty /ActualText (poppler, PyMuPDF, pdf.js honour
    it) and drawn with a copy of its font whose /ToUnicode gives a space for every code it draws
    (pdfminer.six, pdfplumber, pypdf and pypdfium2 ignore an empty /ActualText; every one of them
    reads the map; measured in tests/test_pdfout.py). The glyphs are the same: nothing visible changes,
    and the page's text is the new invisible layer's alone. Form XObjects it draws are neutralised as
    copies (another page may share the original)."""
    out: list[Any] = []
    modes = [0]
    font = ""
    saved: list[str] = []  # the font at each q
    empty = pikepdf.Dictionary(ActualText=pikepdf.String(""))
    selections: list[tuple[int, str]] = []  # where Tf chose a font, which one
    drawn: dict[str, set[bytes]] = {}  # font -> the strings its visible text shows
    for instruction in pikepdf.parse_content_stream(owner):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            out.append(instruction)
            continue
        op = operator_name(instruction)
        if op == "q":  # the text state is part of the graphics state: Q restores the font too
            modes.append(modes[-1])
            saved.append(font)
        elif op == "Q" and len(modes) > 1:
            modes.pop()
            font = saved.pop()
        elif op == "Tr" and instruction.operands:
            modes[-1] = int(instruction.operands[0])
        elif op == "Tf" and instruction.operands:
            font = str(instruction.operands[0])
            selections.append((len(out), font))
        elif op == "Do" and instruction.operands and depth < 3:
            _neutralise_form(owner, str(instruction.operands[0]), tally, pdf, depth)
        if op in TEXT_SHOWING:
            if modes[-1] in (3, 7):
                tally.removed += 1
                continue  # an old invisible layer: gone
            tally.wrapped += 1
            tally.fonts.add(_base_font(owner, font))
            drawn.setdefault(font, set()).update(shown_strings(instruction))
            out.append(pikepdf.ContentStreamInstruction([pikepdf.Name.Span, empty], pikepdf.Operator("BDC")))
            out.append(instruction)
            out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
            continue
        out.append(instruction)
    silent = {name: _silent_font(owner, name, strings, pdf) for name, strings in drawn.items()}
    for position, name in selections:
        if silent.get(name):
            operands = list(out[position].operands)
            out[position] = pikepdf.ContentStreamInstruction([pikepdf.Name(silent[name]), *operands[1:]],
                                                             pikepdf.Operator("Tf"))
    return pikepdf.unparse_content_stream(out)


def _silent_font(owner: Any, name: str, strings: set[bytes], pdf: pikepdf.Pdf) -> str:
    """The resource name of a copy of font ``name`` whose /ToUnicode sends every code of ``strings``
    to a space, added to ``owner``'s fonts ("" when the font cannot be found)."""
    resources = _resources(owner)
    fonts = resources.get("/Font") if resources is not None else None
    original = fonts.get(name) if fonts is not None else None
    if fonts is None or original is None or not isinstance(original, pikepdf.Dictionary):
        return ""
    width = 2 if original.get("/Subtype") == pikepdf.Name.Type0 else 1
    codes = {int.from_bytes(s[i:i + width], "big") for s in strings for i in range(0, len(s) - width + 1, width)}
    # a simple font with high bytes may be a legacy two-byte one that a reader decodes in pairs
    pairs = {int.from_bytes(s[i:i + 2], "big") for s in strings for i in range(len(s) - 1)
             if s[i] >= 0x81 and s[i + 1] >= 0x40} if width == 1 else set()
    cids = cids_of(original) if width == 2 else None
    if cids:  # pdfminer.six looks a composite font's codes up by CID: every CID silent too
        codes |= {cids[code] for code in codes if code in cids}
    copy = pikepdf.Dictionary({key: value for key, value in original.items()})
    copy.ToUnicode = pdf.make_stream(tounicode_cmap(dict.fromkeys(codes, " "), code_bytes=width,
                                                    pairs=dict.fromkeys(pairs, " ")))
    silent = f"/CwnSilent{len([k for k in fonts.keys() if str(k).startswith('/CwnSilent')])}"
    fonts[silent] = pdf.make_indirect(copy)
    return silent


def _resources(owner: Any) -> Any:
    return owner.obj.get("/Resources") if isinstance(owner, pikepdf.Page) else owner.get("/Resources")


def _base_font(owner: Any, name: str) -> str:
    try:
        font = _resources(owner).Font[name]
        return font.BaseFont.unparse().decode("latin-1").lstrip("/")
    except (AttributeError, KeyError, TypeError, pikepdf.PdfError):
        return name.lstrip("/")


def _neutralise_form(owner: Any, name: str, tally: Neutralised, pdf: pikepdf.Pdf, depth: int) -> None:
    resources = _resources(owner)
    xobjects = resources.get("/XObject") if resources is not None else None
    form = xobjects.get(name) if xobjects is not None else None
    if xobjects is None or form is None or form.get("/Subtype") != pikepdf.Name.Form:
        return
    before = (tally.removed, tally.wrapped)
    content = _neutralise(form, tally, pdf, depth + 1)
    if (tally.removed, tally.wrapped) == before:
        return  # no text in it: keep the shared original
    copy = pikepdf.Stream(pdf, content)
    for key, value in form.items():
        if key not in ("/Length", "/Filter", "/DecodeParms"):
            copy[key] = value
    xobjects[name] = pdf.make_indirect(copy)


def _page_needs_layer(page: PageResult, legacy_pages: set[int]) -> bool:
    """A page whose changes are not all decodes with recovered font maps (those are written as the
    fonts' /ToUnicode, which every extractor reads, and need no layer of their own; a legacy two-byte
    font's cannot be: a simple font's map has one-byte codes)."""
    return any(line.changed and (line.source != Source.FONTMAP or page.number in legacy_pages) for line in page.lines)


def _write_font_maps(pdf: pikepdf.Pdf, maps: dict[str, bytes]) -> None:
    """Each repaired font gets its recovered map as its /ToUnicode: its glyphs stay, their text is right."""
    for key, cmap in maps.items():
        font = font_object(pdf, key)
        if font is not None:
            font.ToUnicode = pdf.make_stream(cmap)


def _reencode(pdf: pikepdf.Pdf) -> dict[int, set[str]]:
    """Fonts whose embedded encoding CMap pdfminer.six and pypdf cannot read, re-encoded with the same
    glyphs (``fonts.reencode``); per page, the fonts it draws that were."""
    try:
        outcomes = reencode_fonts(pdf)
    except Exception:  # noqa: BLE001  (re-encoding is a courtesy to extractors: never worth the other outputs)
        return {}
    done = {f"{number} {generation}" for (number, generation), outcome in outcomes.items() if not outcome.reason}
    pages: dict[int, set[str]] = {}
    if done:
        for ref in list_fonts(pdf).values():
            if ref.key in done:
                for page in ref.pages:
                    pages.setdefault(page, set()).add(f"{ref.base_font} {ref.key} R")
    return pages


def write_repaired_pdf(result: RepairResult, target: Path, *, password: str | None = None,
                       source: Path | None = None) -> dict[int, str]:
    """Write the repaired PDF to ``target`` (atomically); return the method used on each changed page."""
    data, methods = build_repaired_pdf(result, password=password, source=source)
    write_atomic(target, data)
    return methods


def build_repaired_pdf(result: RepairResult, *, password: str | None = None,
                       source: Path | None = None) -> tuple[bytes, dict[int, str]]:
    """The repaired PDF, made from ``source`` (default ``result.path``: the input the repair read),
    and the method used on each changed page. Nothing is written."""
    methods: dict[int, str] = {}
    if source is None and result.path_is_name:
        raise OutputError("cannot write the repaired PDF: the input was given as bytes or a file object, and the "
                          "repair kept no copy of it", path=result.path,
                          advice="ask for it when repairing (repair_pdf(..., pdf=True)), or leave it out "
                                 "(write_outputs(..., pdf=False))")
    source = source or result.path
    try:
        document = pikepdf.open(source, password=password or "")
    except Exception as exc:  # noqa: BLE001  (pikepdf's errors do not share one base class)
        raise OutputError(f"cannot write the repaired PDF: pikepdf cannot open the input ({exc})",
                          path=result.path, advice="use --no-pdf to write the other outputs") from exc
    legacy_pages = {page for repair in result.fonts.repairs if repair.legacy for page in repair.pages}
    with document as pdf:
        # the recovered maps first (a font is re-encoded only with a map), the re-encoding before the pages'
        # silent copies of fonts are made (a copy shares its descendant, which re-encoding changes)
        _write_font_maps(pdf, result.fonts.maps)
        reencoded = _reencode(pdf) if result.settings.get("repair_fonts", True) else {}
        font = None
        for page_result in result.pages:
            if not _page_needs_layer(page_result, legacy_pages):
                continue
            page = pdf.pages[page_result.number - 1]
            if font is None:
                font = glyphless_font(pdf)
            tally = Neutralised()
            try:
                content = _neutralise(page, tally, pdf)
            except (pikepdf.PdfError, ValueError, TypeError) as exc:
                # a damaged content stream poppler could still draw: keep the page as it was
                methods[page_result.number] = f"original (content stream unreadable: {str(exc)[:80]})"
                continue
            methods[page_result.number] = tally.method + (
                f" ({', '.join(sorted(tally.fonts))})" if tally.fonts else "")
            box = page.mediabox  # poppler's boxes (pdftotext, pdftoppm) are the media box's, whatever the crop
            layer = turned_layer(list(page_result.lines), page_result.layer.height, box,
                                 page_rotation(page.obj.get("/Rotate")))
            page.obj.Contents = pdf.make_stream(b"q\n" + content + b"\nQ\n" + layer)
            resources_ = page.obj.get("/Resources")
            if resources_ is None:
                page.obj.Resources = resources_ = pikepdf.Dictionary()
            fonts = resources_.get("/Font")
            if fonts is None:
                resources_.Font = fonts = pikepdf.Dictionary()
            fonts[_FONT_NAME] = font
        for page_result in result.pages:
            if page_result.number not in methods and any(line.source == Source.FONTMAP for line in page_result.lines):
                methods[page_result.number] = "tounicode (" + ", ".join(
                    sorted({r.base_font for r in result.fonts.repairs
                            if page_result.number in result.fonts.pages and r.key in result.fonts.maps})) + ")"
        for number, names in reencoded.items():
            note = f"fonts re-encoded for extractors ({', '.join(sorted(names))})"
            methods[number] = f"{methods[number]}; {note}" if number in methods else note
        pdf.docinfo[pikepdf.Name(MARK)] = pikepdf.String("repaired text layer")
        buffer = io.BytesIO()
        try:
            # an encrypted input's repaired PDF keeps its encryption: the same passwords and permissions (a
            # document locked with a password is never written out unlocked); its /ID is the input's (the
            # encryption's key depends on it), where qpdf can make no deterministic one
            locked = pdf.is_encrypted
            with warnings.catch_warnings():  # pikepdf's remarks on the input's own structure (form widgets no
                warnings.simplefilter("ignore", pikepdf.PikepdfWarning)  # /AcroForm reaches), not on the repair
                try:
                    pdf.save(buffer, deterministic_id=not locked, encryption=locked)
                except pikepdf.PdfError:
                    # the input's XMP metadata cannot be decoded (pdf.js's PDFBOX-3148-2-fuzzed: a broken base-85
                    # stream), and pikepdf updates its PDF version on saving: the metadata is left as it is
                    if pikepdf.Name.Metadata not in pdf.Root:
                        raise
                    buffer = io.BytesIO()
                    pdf.save(buffer, deterministic_id=not locked, encryption=locked, fix_metadata_version=False)
        except Exception as exc:  # noqa: BLE001
            raise OutputError(f"cannot write the repaired PDF ({exc})", path=result.path,
                              advice="use --no-pdf to write the other outputs") from exc
    return buffer.getvalue(), methods
