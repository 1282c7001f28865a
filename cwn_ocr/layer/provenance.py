"""Where a page's text layer comes from, read from the PDF's objects (pikepdf).

A layer drawn invisibly (text render mode 3) over a full-page image is a previous OCR: a reading,
not a source, however fluent it looks. Fonts whose ToUnicode map is missing, glyphless, or
suspicious (most codes sent to rare ideographs, many codes to one character, identity-like
or byte-swapped ranges) produce text that must be checked against the page.

>>> analyse_tounicode({0x4E00 + i: 0x4E00 + i for i in range(40)}).reasons
()
>>> analyse_tounicode({i: 0x3400 + i for i in range(40)}).reasons  # codes sent to CJK Extension A
('maps most glyphs to rare ideographs',)
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf

from cwn_ocr.errors import BadInputError, PasswordError
from cwn_ocr.layer.garble import is_rare_cjk
from cwn_ocr.ocr.raster import covering_image, page_images

_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


#: The map reason of a map that sends many glyphs to one character (``many_to_one``).
MANY_TO_ONE = "many glyphs mapped to one character"
#: Map reasons that are proof by themselves (``analyse_tounicode``).
PROVEN_BROKEN = frozenset({"maps most glyphs to rare ideographs", "byte-swapped map", "empty ToUnicode map",
                           MANY_TO_ONE, "identity map onto rare ideographs"})


@dataclass(frozen=True)
class MapCheck:
    entries: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class FontInfo:
    name: str
    base_font: str
    to_unicode: bool
    glyphless: bool
    map_reasons: tuple[str, ...] = ()
    key: str = ""  # the same for fonts that turn the same codes into the same text (name, map)
    vertical: bool = False  # a composite font set in vertical writing (a -V CMap, or WMode 1)
    standard: bool = False  # one of the 14 standard fonts, not embedded, in a standard encoding (``standard_font``)
    # an embedded simple font each of whose codes gives one character at most (``glyph_per_code``): every
    # character of its text is a glyph of its own program, as drawn
    glyph_per_code: bool = False
    # its indirect object, "number generation" as ``fonts.inventory.FontRef.key`` names it ("" for a direct one)
    object: str = ""

    @property
    def suspicious(self) -> bool:
        return bool(self.map_reasons)

    @property
    def broken(self) -> bool:
        """The map itself proves the font's text wrong (a missing or unreadable map does not: the
        font program or a predefined encoding may still give the right text, as poppler finds)."""
        return bool(PROVEN_BROKEN.intersection(self.map_reasons))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "base_font": self.base_font, "to_unicode": self.to_unicode,
                "glyphless": self.glyphless, "suspicious": self.suspicious, "reasons": list(self.map_reasons),
                **({"vertical": True} if self.vertical else {})}


@dataclass(frozen=True)
class PageProvenance:
    page: int
    visible_text_ops: int
    invisible_text_ops: int
    scanned: bool  # one image covers the page
    fonts: tuple[FontInfo, ...] = field(default=())
    rotation: int = 0  # the page's /Rotate, 0, 90, 180 or 270 (clockwise, as shown)
    # a Form XObject the page draws sets text in a font of its own that is no standard one (``fonts`` are the
    # page's own: ``_nonstandard_form_fonts``)
    form_fonts: bool = False

    @property
    def vertical(self) -> bool:
        """Some of the page is set in vertical writing."""
        return any(font.vertical for font in self.fonts)

    @property
    def kind(self) -> str:
        if self.invisible_text_ops and self.scanned and not self.visible_text_ops:
            return "ocr-layer"
        if self.scanned and not (self.visible_text_ops or self.invisible_text_ops):
            return "image-only"
        if self.visible_text_ops and not self.invisible_text_ops and not self.scanned:
            return "born-digital"
        if not (self.visible_text_ops or self.invisible_text_ops):
            return "empty"
        return "mixed"

    @property
    def glyph_per_character(self) -> bool:
        """Every font of the page is an embedded simple font giving a character per glyph (``glyph_per_code``),
        all of its text is drawn (no invisible text: an OCR layer's strings show no glyph), and no form draws
        text in another: no character of the page's text is drawn from the codes of several
        (mojibake whose bytes would decode to one character, GBK's or UTF-8's, is drawn a glyph a byte,
        whatever the page shows is not that character: pdf.js issue7020's Kannada in the Nudi font, whose
        Latin-1 codes decode as GBK to ``╯丰夾帚型悖``)."""
        return (bool(self.fonts) and not self.form_fonts and not self.invisible_text_ops
                and all(font.glyph_per_code for font in self.fonts))

    @property
    def suspicious_fonts(self) -> tuple[FontInfo, ...]:
        return tuple(f for f in self.fonts if f.suspicious)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "visible_text_ops": self.visible_text_ops,
                "invisible_text_ops": self.invisible_text_ops, "scanned": self.scanned,
                "fonts": [f.to_dict() for f in self.fonts], **({"rotation": self.rotation} if self.rotation else {})}


def _utf16(raw: bytes) -> str:
    """A map's target as text; a lone surrogate stays one (a byte-swapped ``<4FDD>`` is ``<DD4F>``:
    the map is wrong, and what it says is evidence of how)."""
    return raw.decode("utf-16-be", "surrogatepass")


_BFRANGE_LINE = re.compile(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)")


def parse_tounicode(cmap: str) -> dict[int, str]:
    """Code -> text of a ToUnicode CMap's bfchar and bfrange entries (a range's destination counts
    up in its last code unit, so a range of characters outside the BMP counts up its low surrogate).

    >>> parse_tounicode("1 beginbfchar <0004> <5176> endbfchar 1 beginbfrange <0010> <0011> <D840DC00> endbfrange")
    {4: '其', 16: '𠀀', 17: '𠀁'}
    >>> parse_tounicode("1 beginbfrange <20> <22> [<0041> <0042> <0043>] endbfrange")
    {32: 'A', 33: 'B', 34: 'C'}
    """
    mapping: dict[int, str] = {}
    for section in _BFCHAR.findall(cmap):
        values = _HEX.findall(section)
        for code, target in zip(values[::2], values[1::2]):
            mapping[int(code, 16)] = _utf16(_hex_bytes(target))
    for section in _BFRANGE.findall(cmap):
        for low_hex, high_hex, target in _BFRANGE_LINE.findall(section):
            low, high = int(low_hex, 16), int(high_hex, 16)
            if target.startswith("["):
                for offset, value in enumerate(_HEX.findall(target)[:max(0, high - low + 1)]):
                    mapping[low + offset] = _utf16(_hex_bytes(value))
                continue
            raw = _hex_bytes(target[1:-1])
            if len(raw) < 2:
                continue
            head, last = raw[:-2], int.from_bytes(raw[-2:], "big")
            count = min(high - low + 1, 65536 - last)
            if not head:  # one code unit: its character (a lone surrogate too, as _utf16 gives it)
                mapping.update(zip(range(low, low + count), map(chr, range(last, last + count))))
                continue
            for offset in range(count):
                mapping[low + offset] = _utf16(head + (last + offset).to_bytes(2, "big"))
    return mapping


#: ``/ToUnicode`` given as one of these names where a CMap stream is due: every two-byte code is the character of
#: that number, as poppler and pdf.js read it (pdf.js ``IdentityToUnicodeMap``).
IDENTITY_NAMES = ("/Identity-H", "/Identity-V")


@lru_cache(maxsize=1)
def _identity_map() -> dict[int, str]:
    """Every two-byte code but a surrogate onto its character: one map shared by every font that names it (9 MB
    each otherwise; none of its readers changes a map)."""
    return {code: chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000}


def read_tounicode(font: pikepdf.Object) -> tuple[dict[int, str], bytes]:
    """A font's ToUnicode map (code -> text) and the bytes it was read from. A name, ``/ToUnicode /Identity-H``,
    is the identity over every two-byte code (pdfminer's issue-625, a Polish invoice: poppler reads its
    ``Łódź`` right, and the map is no missing one, which would have its codes learned from the page image by
    an OCR that reads ``todz``). Raises ``pikepdf.PdfError``, ``AttributeError`` or ``ValueError`` when the
    map cannot be read.

    >>> entries, raw = read_tounicode(pikepdf.Dictionary(ToUnicode=pikepdf.Name("/Identity-H")))
    >>> entries[0x141], len(entries) > BLANKET, raw
    ('Ł', True, b'/Identity-H')
    """
    value = font.get("/ToUnicode")
    if isinstance(value, pikepdf.Name) and str(value) in IDENTITY_NAMES:
        return _identity_map(), str(value).encode()
    data = font.ToUnicode.read_bytes()
    return parse_tounicode(data.decode("latin-1")), data


def _hex_bytes(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text if len(hex_text) % 2 == 0 else "0" + hex_text)


def _common(char: str) -> bool:
    """A character most text is made of: printable ASCII, CJK and full-width punctuation, or one of
    GB2312's 3,755 most frequent ideographs (its level 1).

    >>> _common("安"), _common("襛"), _common("A"), _common("，")
    (True, False, True, True)
    """
    if " " <= char <= "~" or "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff5e":
        return True
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


#: A map of this many codes or more, nearly all onto themselves, maps every two-byte code (a writer
#: whose codes are UTF-16, Haru's ``Modern-UTF16``): it says nothing of the glyphs a font draws with.
BLANKET = 0xF000


def blanket_identity(mapping: dict[int, str] | dict[int, int]) -> bool:
    """Whether a map sends every two-byte code (``BLANKET`` of them at least) nearly all onto itself: the
    codes are Unicode, and the map says nothing of the glyphs (nor are its targets look-alikes of anything).

    >>> blanket_identity({code: chr(code) for code in range(0x10000)}), blanket_identity({65: "A"})
    (True, False)
    """
    if mapping is _identity_map():
        return True
    if len(mapping) < BLANKET:
        return False
    same = sum(1 for code, text in mapping.items()
               if (ord(text[0]) if isinstance(text, str) and text else text) == code)
    return same >= 0.9 * len(mapping)


def many_to_one(texts: Sequence[str]) -> bool:
    """Whether ``texts``, the targets of a map's codes, send many glyphs to one character: fewer than 7 in
    10 distinct, and one of them the target of 5 codes at least.

    >>> many_to_one(["針"] * 12 + ["轉"]), many_to_one(list("0123456789"))
    (True, False)
    """
    return bool(texts) and len(set(texts)) < 0.7 * len(texts) and Counter(texts).most_common(1)[0][1] >= 5


def analyse_tounicode(mapping: dict[int, str] | dict[int, int]) -> MapCheck:
    """Signs that a ToUnicode map points at the wrong characters.

    A blanket identity over every two-byte code (pdf.js issue20232: Haru's UTF-16 codes, ``№`` drawn as
    code 0x2116) is no identity map onto rare ideographs, though most of its targets are ideographs:

    >>> analyse_tounicode({code: chr(code) for code in range(0x10000)}).reasons
    ()
    """
    if len(mapping) < 10 or blanket_identity(mapping):  # (every two-byte code onto itself: the codes are Unicode,
        return MapCheck(len(mapping))                  # Haru's UTF-16)
    reasons = []
    texts = [t if isinstance(t, str) else chr(t) for t in mapping.values()]
    identity = sum(1 for code, text in zip(mapping, texts) if text and code == ord(text[0]))
    targets = [ord(t[0]) for t in texts if t]
    chars = [chr(t) for t in targets]
    cjk = [c for c in chars if "\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" or "\uf900" <= c <= "\ufaff"]
    rare = sum(1 for c in cjk if is_rare_cjk(c))
    if cjk and rare >= 0.3 * len(chars):
        reasons.append("maps most glyphs to rare ideographs")

    def common_han(c: str) -> bool:
        return "\u4e00" <= c <= "\u9fff" and not is_rare_cjk(c)

    def ordinary(c: str) -> bool:  # what text is usually made of
        return c.isascii() or common_han(c) or "\u3000" <= c <= "\u30ff" or "\uff00" <= c <= "\uffef"

    swapped = [chr(((t & 0xFF) << 8) | (t >> 8)) for t in targets if t <= 0xFFFF]
    if sum(map(_common, swapped)) >= 0.5 * len(targets) and sum(map(_common, chars)) <= 0.3 * len(chars):
        # swapped back, the targets are the common characters text is made of; as they are, they are
        # not (byte-swapped Han lands on other, rarer Han as often as not: "ordinary" is too weak a test)
        reasons.append("byte-swapped map")
    if many_to_one(texts):
        reasons.append(MANY_TO_ONE)
    if identity >= 0.9 * len(mapping) and cjk and rare >= 0.3 * len(cjk):
        reasons.append("identity map onto rare ideographs")
    return MapCheck(len(mapping), tuple(reasons))


def _font_info(name: str, font: pikepdf.Object) -> FontInfo:
    raw = font.get("/BaseFont")
    base = raw.unparse().decode("latin-1") if raw is not None else ""
    glyphless = "GlyphLess" in base
    to_unicode = "/ToUnicode" in font
    reasons: tuple[str, ...] = ()
    encoding = font.get("/Encoding")
    identity = hashlib.sha1(raw.unparse() if raw is not None else b"")
    identity.update(encoding.unparse() if isinstance(encoding, pikepdf.Object) else b"")
    identity.update(_font_program(font))
    entries: dict[int, str] | None = None
    if to_unicode and not glyphless:
        try:
            entries, data = read_tounicode(font)
            identity.update(data)
            reasons = analyse_tounicode(entries).reasons if entries else ("empty ToUnicode map",)
        except (pikepdf.PdfError, AttributeError, ValueError):
            reasons = ("unreadable ToUnicode map",)
    elif not to_unicode and str(font.get("/Subtype", "")) == "/Type0":
        # a predefined CMap (UniGB-UCS2-H, GBK-EUC-H...) maps codes to text by itself; Identity-H
        # or an embedded CMap leaves glyph ids that mean nothing without a ToUnicode map
        encoding = font.get("/Encoding")
        if not isinstance(encoding, pikepdf.Name) or str(encoding) in ("/Identity-H", "/Identity-V"):
            reasons = ("composite font without ToUnicode",)
    return FontInfo(name, base.lstrip("/"), to_unicode, glyphless, reasons, identity.hexdigest()[:16],
                    _vertical(encoding), standard_font(font), glyph_per_code(font, entries, to_unicode),
                    f"{font.objgen[0]} {font.objgen[1]}" if font.is_indirect else "")


def glyph_per_code(font: pikepdf.Object, entries: dict[int, str] | None, to_unicode: bool = True) -> bool:
    """An embedded simple font (Type 1, TrueType, Type 3) whose codes each give one character at most: by its
    ToUnicode map (``entries``, read); without one, a simple font's encoding names a glyph a code. Its glyphs
    are its own program's, one a code; text that only a pair of its codes would spell (a GBK character) is not
    what it draws.

    >>> nudi = pikepdf.Dictionary(Subtype=pikepdf.Name.TrueType, FontDescriptor=pikepdf.Dictionary(
    ...     FontFile2=pikepdf.Stream(pikepdf.new(), b"")))
    >>> glyph_per_code(nudi, {0xA2: "¢", 0xA3: "£"}), glyph_per_code(nudi, {0xA2: "安顺"})
    (True, False)
    >>> glyph_per_code(pikepdf.Dictionary(Subtype=pikepdf.Name.TrueType), None, to_unicode=False)  # not embedded
    False
    """
    try:
        subtype = str(font.get("/Subtype", ""))
        if subtype not in ("/Type1", "/TrueType", "/MMType1", "/Type3"):
            return False
        descriptor = font.get("/FontDescriptor")
        embedded = subtype == "/Type3" or (descriptor is not None and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")))
        if not embedded:
            return False
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        return False
    if not to_unicode:
        return True
    return entries is not None and bool(entries) and all(len(text) <= 1 for text in entries.values())


#: The 14 fonts every PDF reader has (PDF 1.7, 9.6.2.2), by the names a PDF gives them.
STANDARD_FONTS = frozenset({
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Courier", "Courier-Bold", "Courier-Oblique",
    "Courier-BoldOblique", "Symbol", "ZapfDingbats"})
#: The encodings a simple font may name, each a fixed table of codes to glyph names (Annex D).
STANDARD_ENCODINGS = frozenset({"/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding"})


def standard_font(font: pikepdf.Object) -> bool:
    """One of the 14 standard fonts, not embedded, without a ToUnicode map, in its built-in encoding or one
    of the standard ones (no /Differences): every code is a glyph name fixed by the PDF standard, and every
    reader draws and extracts that glyph. Its text is exactly what poppler gives, however it looks (Symbol's
    Greek and arrows, ZapfDingbats' ``❾✴❈``, which no OCR reads: pdf.js standard_fonts).

    >>> standard_font(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
    ...                                  BaseFont=pikepdf.Name("/ZapfDingbats")))
    True
    >>> standard_font(pikepdf.Dictionary(Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/Helvetica"),
    ...                                  Encoding=pikepdf.Dictionary(Differences=[32, pikepdf.Name("/g3")])))
    False
    """
    try:
        if str(font.get("/Subtype", "")) != "/Type1" or "/ToUnicode" in font:
            return False
        base = str(font.get("/BaseFont", "")).lstrip("/")
        descriptor = font.get("/FontDescriptor")
        embedded = descriptor is not None and any(key in descriptor
                                                  for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        encoding = font.get("/Encoding")
        named = encoding is None or (isinstance(encoding, pikepdf.Name) and str(encoding) in STANDARD_ENCODINGS)
        return base in STANDARD_FONTS and not embedded and named
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        return False


def _vertical(encoding: object) -> bool:
    """Whether a composite font's /Encoding writes vertically: a predefined CMap named ``…-V``, or an
    embedded one with /WMode 1."""
    if isinstance(encoding, pikepdf.Name):
        return str(encoding).endswith("-V")
    try:
        return isinstance(encoding, pikepdf.Stream) and int(encoding.get("/WMode", 0)) == 1
    except (TypeError, ValueError):
        return False


def _font_program(font: pikepdf.Object) -> bytes:
    """The embedded font file's bytes as stored (of the descendant font for a composite font),
    or nothing: two fonts of one name with different glyphs are different fonts."""
    try:
        descendants = font.get("/DescendantFonts")
        if descendants is not None and len(descendants):
            font = descendants[0]
        descriptor = font.get("/FontDescriptor")
        if descriptor is not None:
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                program = descriptor.get(key)
                if program is not None:
                    return hashlib.sha1(program.read_raw_bytes()).digest()
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        pass
    return b""


def operator_name(instruction: pikepdf.ContentStreamInstruction) -> str:
    """The operator of a content stream instruction; "" for bytes that are not text (a damaged
    stream), which are no operator anyone draws with."""
    try:
        return str(instruction.operator)
    except UnicodeDecodeError:
        return ""


#: The operators that show text (their strings' codes are drawn in the current font).
TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})


def shown_strings(instruction: pikepdf.ContentStreamInstruction) -> list[bytes]:
    """The strings a text-showing operator shows (a TJ array's strings, not its kerning numbers).

    >>> shown_strings(pikepdf.ContentStreamInstruction([pikepdf.Array([pikepdf.String("ab"), -120,
    ...                                                                 pikepdf.String("c")])], pikepdf.Operator("TJ")))
    [b'ab', b'c']
    """
    strings = []
    for operand in instruction.operands:
        items = list(operand) if isinstance(operand, pikepdf.Array) else [operand]
        strings += [bytes(item) for item in items if isinstance(item, pikepdf.String)]
    return strings


def _count_text_ops(stream_owner: Any, depth: int = 0) -> tuple[int, int]:
    """(visible, invisible) text-showing operators, following Form XObjects one level down."""
    visible = invisible = 0
    mode_stack = [0]
    try:
        instructions = pikepdf.parse_content_stream(stream_owner)
    except (pikepdf.PdfError, TypeError, ValueError):
        return 0, 0
    for instruction in instructions:
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue  # inline images
        operands, op = instruction.operands, operator_name(instruction)
        if op == "q":
            mode_stack.append(mode_stack[-1])
        elif op == "Q" and len(mode_stack) > 1:
            mode_stack.pop()
        elif op == "Tr" and operands:
            mode_stack[-1] = int(operands[0])
        elif op in TEXT_SHOWING:
            if mode_stack[-1] in (3, 7):
                invisible += 1
            else:
                visible += 1
        elif op == "Do" and depth == 0 and operands:
            xobject = _xobject(stream_owner, str(operands[0]))
            if xobject is not None and str(xobject.get("/Subtype", "")) == "/Form":
                v, i = _count_text_ops(xobject, depth + 1)
                visible, invisible = visible + v, invisible + i
    return visible, invisible


def _xobject(owner: Any, name: str) -> Any:
    try:
        resources = owner.Resources if hasattr(owner, "Resources") else owner.get("/Resources")
        return resources.XObject.get(name) if resources is not None and "/XObject" in resources else None
    except (AttributeError, KeyError, pikepdf.PdfError):
        return None


def scanned_pages(pdf: Path, sizes: dict[int, tuple[float, float]], *, password: str | None = None) -> set[int]:
    """Pages that one image covers (at least 90 % of the page)."""
    images = page_images(pdf, password=password)
    return {number for number, (width, height) in sizes.items()
            if covering_image(images.get(number, []), width, height) is not None}


def read_provenance(pdf: Path, *, password: str | None = None) -> list[PageProvenance]:
    """The provenance of every page of ``pdf``."""
    try:
        document = pikepdf.open(pdf, password=password or "")
    except pikepdf.PasswordError as exc:
        raise PasswordError(pdf) from exc
    except pikepdf.PdfError as exc:
        raise BadInputError(f"pikepdf cannot read it ({exc})", path=pdf) from exc
    with document, ThreadPoolExecutor(1) as poppler:
        sizes = {}
        for number, page in enumerate(document.pages, start=1):
            box = page.mediabox
            sizes[number] = (abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1])))
        # pdfimages lists the images (0.1 s for 60 pages) while the content streams are read here
        scanning = poppler.submit(scanned_pages, pdf, sizes, password=password)
        result: list[tuple[int, int, int, tuple[FontInfo, ...], int, bool]] = []
        seen: dict[tuple[int, int], FontInfo] = {}  # pages share font objects: analyse each once
        for number, page in enumerate(document.pages, start=1):
            visible, invisible = _count_text_ops(page)
            fonts: list[FontInfo] = []
            try:
                for name, font in page.resources.get("/Font", {}).items():
                    if font.is_indirect and font.objgen in seen:
                        fonts.append(replace(seen[font.objgen], name=str(name)))
                        continue
                    fonts.append(_font_info(str(name), font))
                    if font.is_indirect:
                        seen[font.objgen] = fonts[-1]
            except (pikepdf.PdfError, AttributeError, TypeError, ValueError):  # a damaged font: no font info
                pass
            result.append((number, visible, invisible, tuple(fonts), page_rotation(page.obj.get("/Rotate")),
                           _nonstandard_form_fonts(page.obj)))
        scans = scanning.result()
        return [PageProvenance(number, visible, invisible, number in scans, fonts, turn, forms)
                for number, visible, invisible, fonts, turn, forms in result]


def _nonstandard_form_fonts(owner: Any, depth: int = 0) -> bool:
    """Whether a Form XObject ``owner`` (a page, or a form) draws has a font of its own that is no standard
    one (``standard_font``), at any depth: a stamping tool's page wrapped in a form, with its page number set
    beside it in Helvetica, is not a page in standard fonts.

    >>> pdf = pikepdf.new()
    >>> def page_with(font):
    ...     form = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
    ...                            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    ...     return pikepdf.Dictionary(Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(X1=form)))
    >>> simsun = pikepdf.Dictionary(Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/SimSun"))
    >>> helvetica = pikepdf.Dictionary(Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    >>> _nonstandard_form_fonts(page_with(simsun)), _nonstandard_form_fonts(page_with(helvetica))
    (True, False)
    """
    try:
        xobjects = owner.get("/Resources", {}).get("/XObject", {})
        for _name, xobject in xobjects.items():
            if str(xobject.get("/Subtype", "")) != "/Form":
                continue
            fonts = xobject.get("/Resources", {}).get("/Font", {})
            if any(not standard_font(font) for _key, font in fonts.items()):
                return True
            if depth < 4 and _nonstandard_form_fonts(xobject, depth + 1):
                return True
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        return True  # unreadable: nothing is known of its fonts
    return False


def page_rotation(value: object) -> int:
    """A page's ``/Rotate`` as 0, 90, 180 or 270 (a multiple of 90 the PDF may give negative or over 360;
    anything else, as viewers take it, none).

    >>> page_rotation(-90), page_rotation(450), page_rotation(None), page_rotation(45)
    (270, 90, 0, 0)
    """
    try:
        turn = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
    return turn % 360 if turn % 90 == 0 else 0
