"""The state of each font's code-to-text map, from its dictionary, its ToUnicode and the text poppler
makes of it. Pure.

==========================  =======================================================================
status                      what says so
==========================  =======================================================================
``sound``                   a ToUnicode with plausible targets, a predefined CMap, a simple font with a
                            standard encoding and a Latin program, or text poppler reads plainly
``missing``                 no ToUnicode, and codes that mean nothing by themselves (Identity-H, a CJK
                            program under a one-byte encoding)
``empty``                   a ToUnicode with no entry
``identity-to-garbage``     a map (or poppler's guess) that turns codes into control characters or rare
                            ideographs: ``maps most glyphs to rare ideographs``, ``identity map onto
                            rare ideographs``
``byte-swapped``            targets whose two bytes are swapped (``<0044>`` -> ``<4400>``)
``many-to-one``             many glyphs sent to a few characters
``legacy multibyte``        a simple font with a Chinese name and no program of its own, under a
                            one-byte encoding: its strings are GBK (or Big5) codes, two bytes a character
``look-alike targets``      targets among Kangxi radicals and compatibility ideographs (one glyph, two
                            code points: ``<2F26 5B50>``)
``permuted``                known only from the image: a sound-looking map the page contradicts
``numbered by first use``   a simple font whose codes run 33, 34, 35, … in the order the document
                            first draws them, under standard glyph names (``order``): the names say
                            nothing, the image must
==========================  =======================================================================

>>> classify(FontRef("6 0", "/F1", "Foo", "/Type0", "/Identity-H", "/CIDFontType2", "Adobe-Identity", None,
...                  "/FontFile2"))
'missing'
>>> classify(FontRef("7 0", "/F2", "宋体", "/TrueType", "/WinAnsiEncoding"))
'legacy multibyte'
>>> classify(FontRef("8 0", "/F3", "Helvetica", "/Type1", "/WinAnsiEncoding"))
'sound'
"""

from __future__ import annotations

import regex

from cwn_ocr.fonts.inventory import IDENTITY, FontRef
from cwn_ocr.layer.charsets import LOOKALIKE_IDEOGRAPH
from cwn_ocr.layer.provenance import analyse_tounicode, blanket_identity

SOUND = "sound"
MISSING = "missing"
EMPTY = "empty"
IDENTITY_GARBAGE = "identity-to-garbage"
BYTE_SWAPPED = "byte-swapped"
MANY_TO_ONE = "many-to-one"
LEGACY = "legacy multibyte"
LOOKALIKE = "look-alike targets"
PERMUTED = "permuted"
NUMBERED = "numbered by first use"

#: Statuses whose codes must be learned (or decoded) before the font's text can be trusted.
BROKEN = frozenset({MISSING, EMPTY, IDENTITY_GARBAGE, BYTE_SWAPPED, MANY_TO_ONE, LEGACY, LOOKALIKE, PERMUTED,
                    NUMBERED})

# Chinese font families (and the words their names are made of), by which a simple font's program or
# name shows that its one-byte codes cannot be its characters
_CJK_FAMILY = regex.compile(r"(?i)\p{Han}|sim(?:sun|hei|kai|fang|li|you)|kaiti|fangsong|p?mingliu|dfkai|"
                            r"st(?:song|heiti|kaiti|fangsong|xihei|zhongsong)|msung|yahei|msyh|dengxian|"
                            r"noto\w*cjk|source\w*han|wenquanyi|wqy|zenhei|microhei|ar\s?pl|uming|ukai")
_REASON_STATUS = {"byte-swapped map": BYTE_SWAPPED, "many glyphs mapped to one character": MANY_TO_ONE,
                  "maps most glyphs to rare ideographs": IDENTITY_GARBAGE,
                  "identity map onto rare ideographs": IDENTITY_GARBAGE}


#: Adobe's registered character collections: a CID of one of them is a character, whatever the font.
COLLECTIONS = frozenset({"Adobe-GB1", "Adobe-CNS1", "Adobe-Japan1", "Adobe-Korea1", "Adobe-KR", "Adobe-Japan2"})


def classify(font: FontRef) -> str:
    """The status of ``font``'s map from its dictionary alone (the table above, but ``permuted``,
    which the page image decides, ``numbered by first use``, which the string bytes decide, and a
    ``missing`` map that poppler still reads plainly, which ``readable`` decides)."""
    if font.to_unicode is not None:
        if not font.to_unicode:
            return EMPTY
        if blanket_identity(font.to_unicode):
            return SOUND  # the codes are Unicode (``/ToUnicode /Identity-H``, Haru's UTF-16): what poppler reads
        for reason in analyse_tounicode(font.to_unicode).reasons:
            if reason in _REASON_STATUS:
                return _REASON_STATUS[reason]
        if any(LOOKALIKE_IDEOGRAPH.search(text) for text in font.to_unicode.values()):
            return LOOKALIKE
        return SOUND
    if font.composite:
        if not font.program and font.ordering in COLLECTIONS:
            # not embedded: a viewer draws it from a font of the registered character collection, whose
            # CIDs are characters by the collection's own table (poppler-data's): pdfminer's kampo and jo
            return SOUND
        return MISSING if font.encoding in IDENTITY or font.encoding == "custom" else SOUND
    if font.subtype in ("/TrueType", "/Type1", "/MMType1") and _CJK_FAMILY.search(font.base_name):
        # a Chinese font under a one-byte encoding: without a program of its own its strings are a
        # legacy two-byte encoding that some readers decode by the name; with one, its codes are glyph
        # indices of a subset
        return MISSING if font.program else LEGACY
    return SOUND


_ORDINARY = regex.compile(r"[\x20-\x7E\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303F\uFF01-\uFF5E"
                          r"\u00A0-\u00FF\u2010-\u2027\u2030-\u205E\u2070-\u209F\u2100-\u214F\u2190-\u21FF\u2200-\u22FF"
                          r"\u2460-\u24FF\u2500-\u25FF\u0370-\u03FF\u0400-\u04FF]")


def ordinary_share(texts: list[str]) -> float:
    """The share of characters in ``texts`` that text is usually made of (not controls, private-use
    or unassigned characters, not rare ideographs): how plainly a font's codes read.

    >>> ordinary_share(["其他参考数据"]), ordinary_share(["\\x04\\x05\\x06"])
    (1.0, 0.0)
    """
    from cwn_ocr.layer.garble import is_rare_cjk

    chars = [c for text in texts for c in text if not c.isspace()]
    if not chars:
        return 1.0
    good = sum(1 for c in chars if _ORDINARY.match(c) and not ("\u3400" <= c <= "\u9fff" and is_rare_cjk(c)))
    return good / len(chars)


def misdrawn_pages(fonts: dict[str, FontRef]) -> frozenset[int]:
    """The pages that draw a ``legacy multibyte`` font: a simple font with a Chinese name and no program,
    whose two-byte codes poppler (and MuPDF) both read and *draw* one byte at a time, as Latin-1
    mojibake, where pdfium decodes them by the name's charset and draws the Chinese the page means
    (pdf.js issue20489: ``北斗星`` drawn as ``±±¶·ÐÇ``). An image of such a page for OCR is pdfium's.

    >>> misdrawn_pages({"7 0": FontRef("7 0", "/F2", "宋体", "/TrueType", "/WinAnsiEncoding", pages=(2, 3)),
    ...                 "8 0": FontRef("8 0", "/F3", "Helvetica", "/Type1", "/WinAnsiEncoding", pages=(1,))})
    frozenset({2, 3})
    """
    return frozenset(p for font in fonts.values() if classify(font) == LEGACY for p in font.pages)
