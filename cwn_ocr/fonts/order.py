"""Simple fonts whose codes are numbered in the order the document first draws them: their glyph
names say nothing of their characters.

Some writers cut a subset of a Type 1 or TrueType font and number its glyphs 33, 34, 35, … as the
text first uses them, then name each glyph after its code's place in the standard encoding: code 33
is ``exclam``, whatever it draws (MinerU's test_01: ``exclam`` draws F, so ``FHIT`` reads ``!"#$``;
every extractor gives an ASCII cipher). The font's dictionary looks sound. The string bytes give it
away: in the order the content streams draw them, the distinct codes come as 33, 34, 35, … without a
gap, which no text in a real encoding does (its first letters would have to be ``!"#$%&'(``). Such a
font's map is learned from the page image like a font with no map (``recover``).

Found from the raw string bytes in the content streams, not from what poppler makes of them; only
fonts whose dictionary fits (a simple font with its own program and no ToUnicode, first code 33 or
below, encoding differences whose names are those of the codes themselves) are looked at, so most
documents' streams are not read for this (a pdfTeX document's may be: 0.13 s for 36 pages).

>>> numbered_by_first_use([33, 34, 33, 35, 36, 34, 37, 38]), numbered_by_first_use([70, 72, 73, 84, 32, 103])
(True, False)
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

import pikepdf

from cwn_ocr.fonts.inventory import FontRef, font_object
from cwn_ocr.layer.provenance import TEXT_SHOWING, operator_name, shown_strings

#: At least this many distinct codes in sequence: a short run (``!"#``) could be real text.
MIN_CODES = 6
#: The numbering starts at or below this code (33, ``!``, the first printable one; 1 for some writers).
FIRST_CODE = 33


def numbered_by_first_use(codes: Sequence[int]) -> bool:
    """Whether ``codes`` (one font's, in drawing order) are numbered by first use: the distinct codes,
    as first drawn (the space aside, which writers keep as 32), run start, start+1, … from a start at
    or below ``FIRST_CODE``, at least ``MIN_CODES`` of them."""
    first: list[int] = []
    seen: set[int] = set()
    for code in codes:
        if code != 32 and code not in seen:
            seen.add(code)
            first.append(code)
    return (len(first) >= MIN_CODES and first[0] <= FIRST_CODE
            and all(b == a + 1 or (a, b) == (31, 33) for a, b in zip(first, first[1:], strict=False)))


def _standard_names() -> dict[int, str]:
    from fontTools.encodings.StandardEncoding import StandardEncoding

    return {code: name for code, name in enumerate(StandardEncoding) if name != ".notdef"}


def named_text(codes: Collection[int]) -> dict[int, str]:
    """What the standard names of ``codes`` say they are (what every extractor reads them as).

    >>> named_text([33, 65, 0])
    {33: '!', 65: 'A'}
    """
    from cwn_ocr.fonts.program import glyph_name_text

    standard = _standard_names()
    return {code: text for code in codes if code in standard and (text := glyph_name_text(standard[code]))}


def may_be_numbered(font: FontRef, obj: Any) -> bool:
    """Whether the font's dictionary fits the pattern (cheap: no content stream is read): a simple
    font with its own program and no ToUnicode, whose first code is at most ``FIRST_CODE`` and whose
    encoding's differences name each code as the standard encoding does (without differences the
    program's own encoding names the glyphs, and may well be right)."""
    if font.composite or not font.program or font.to_unicode is not None or font.subtype not in (
            "/Type1", "/TrueType", "/MMType1"):
        return False
    try:
        if int(obj.get("/FirstChar", 0)) > FIRST_CODE:
            return False
        encoding = obj.get("/Encoding")
        differences = encoding.get("/Differences") if isinstance(encoding, pikepdf.Dictionary) else None
        if not isinstance(differences, pikepdf.Array) or not len(differences):
            return False
        standard = _standard_names()
        code = 0
        for item in differences:
            if isinstance(item, pikepdf.Name):
                if standard.get(code) != str(item).lstrip("/"):
                    return False
                code += 1
            else:
                code = int(item)
        return True
    except (pikepdf.PdfError, ValueError, TypeError, AttributeError):
        return False


def drawn_codes(pdf: pikepdf.Pdf, fonts: Collection[FontRef]) -> dict[str, list[int]]:
    """The one-byte codes each of ``fonts`` (simple fonts) draws, in the order the content streams of
    its pages draw them (forms followed), by font key."""
    wanted = {font.key for font in fonts}
    objects = {font.key: font_object(pdf, font.key) for font in fonts}
    by_objgen = {obj.objgen: key for key, obj in objects.items() if obj is not None and obj.is_indirect}
    out: dict[str, list[int]] = {key: [] for key in wanted}
    pages = sorted({page for font in fonts for page in font.pages})
    for number in pages:
        try:
            page = pdf.pages[number - 1]
        except IndexError:
            continue
        for key, data in _shown(page, by_objgen, 0):
            if key in out:
                out[key].extend(data)
    return out


def _shown(owner: Any, by_objgen: dict[tuple[int, int], str], depth: int) -> Iterator[tuple[str, bytes]]:
    """(font key, string bytes) of each string ``owner``'s content draws, in order, forms included."""
    resources = owner.obj.get("/Resources") if isinstance(owner, pikepdf.Page) else owner.get("/Resources")
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    try:
        instructions = pikepdf.parse_content_stream(owner)
    except (pikepdf.PdfError, ValueError, TypeError):
        return
    key = ""
    saved: list[str] = []  # Q restores the font q saw (the text state is part of the graphics state)
    for instruction in instructions:
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue
        op = operator_name(instruction)
        if op == "q":
            saved.append(key)
        elif op == "Q" and saved:
            key = saved.pop()
        elif op == "Tf" and instruction.operands and isinstance(fonts, pikepdf.Dictionary):
            font = fonts.get(str(instruction.operands[0]))
            key = by_objgen.get(font.objgen, "") if isinstance(font, pikepdf.Dictionary) and font.is_indirect else ""
        elif op in TEXT_SHOWING and key:
            yield from ((key, data) for data in shown_strings(instruction))
        elif op == "Do" and depth < 3 and instruction.operands and isinstance(xobjects, pikepdf.Dictionary):
            form = xobjects.get(str(instruction.operands[0]))
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == pikepdf.Name.Form:
                yield from _shown(form, by_objgen, depth + 1)


def numbered_fonts(pdf: pikepdf.Pdf, fonts: Collection[FontRef]) -> set[str]:
    """The keys of ``fonts`` whose codes are numbered by first use (``may_be_numbered`` first)."""
    maybe = [font for font in fonts if may_be_numbered(font, font_object(pdf, font.key))]
    if not maybe:
        return set()
    return {key for key, codes in drawn_codes(pdf, maybe).items() if numbered_by_first_use(codes)}
