"""Character facts shared by detection and text repair: look-alike ideographs and mojibake.

Pure functions over strings; the tables come from Unicode data, not from hand-typed lists:
``data/EquivalentUnifiedIdeograph.txt`` (Unicode 15.0 UCD, as shipped by Debian's
unicode-data package) maps Kangxi radicals and CJK Radicals Supplement characters to the
unified ideograph a reader means; compatibility ideographs have canonical decompositions,
so NFC gives theirs.

>>> to_unified("⼀⼈⼤⻘")
'一人大青'
>>> decode_mojibake("å®‰é¡ºå¸‚")
'安顺市'
>>> decode_mojibake("°²Ë³ÊÐ")  # GBK bytes read as latin-1
'安顺市'
>>> decode_mojibake("Café") is None
True
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
import regex

#: Kangxi Radicals, CJK Radicals Supplement, and both CJK Compatibility Ideographs blocks.
LOOKALIKE_IDEOGRAPH = regex.compile(r"[\u2E80-\u2EFF\u2F00-\u2FDF\uF900-\uFAFF\U0002F800-\U0002FA1F]")

HAN = regex.compile(r"\p{Han}")


def squeeze(text: str) -> str:
    """``text`` without any white space (comparisons here ignore spacing).

    >>> squeeze(" 安 顺 市 ")
    '安顺市'
    """
    return "".join(text.split())


def visible_length(text: str) -> int:
    """How many characters of ``text`` are not white space.

    >>> visible_length(" 安顺 市\u3000A ")
    4
    """
    return len("".join(text.split()))

# Characters that UTF-8 or GBK bytes turn into when read as latin-1 / Windows-1252.
_MOJIBAKE_CHAR = (
    r"[\u0080-\u00FF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC"
    r"\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]"
)
# Runs of such characters, allowing a little ASCII (digits, spaces) between them.
_MOJIBAKE_RUN = regex.compile(rf"{_MOJIBAKE_CHAR}(?:[\x20-\x7E]{{0,3}}{_MOJIBAKE_CHAR})+")


@lru_cache(maxsize=1)
def lookalike_table() -> dict[str, str]:
    """Radical or compatibility ideograph -> the unified ideograph it stands for."""
    table: dict[str, str] = {}
    text = resources.files("cwn_ocr").joinpath("data/EquivalentUnifiedIdeograph.txt").read_text("utf-8")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        codes, target = (part.strip() for part in line.split(";"))
        first, _, last = codes.partition("..")
        for code in range(int(first, 16), int(last or first, 16) + 1):
            table[chr(code)] = chr(int(target, 16))
    for block in ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for code in range(block[0], block[1] + 1):
            char = chr(code)
            unified = unicodedata.normalize("NFC", char)
            if unified != char and len(unified) == 1:
                table[char] = unified
    return table


def to_unified(text: str) -> str:
    """Replace look-alike radicals and compatibility ideographs by unified ideographs."""
    table = lookalike_table()
    return LOOKALIKE_IDEOGRAPH.sub(lambda m: table.get(m.group(), m.group()), text)


def is_cjk_text(text: str) -> bool:
    """True when every non-space, non-ASCII-alnum character is Han, kana, CJK or full-width punctuation.

    >>> is_cjk_text("安顺市，2024年"), is_cjk_text("Ã©t")
    (True, False)
    """
    return bool(HAN.search(text)) and not _NOT_CJK_TEXT.search(text)


_NOT_CJK_TEXT = regex.compile(r"[^\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303F\uFF00-\uFFEF\u2018-\u201D\u00B7"
                              r"\u2014\u20260-9A-Za-z\s.,%()\-]")


def _is_common_gb2312(text: str) -> bool:
    """Most Han characters of ``text`` are GB2312 level 1 (its 3,755 most frequent)."""
    han = [c for c in text if HAN.match(c)]
    if not han:
        return False
    common = 0
    for char in han:
        try:
            encoded = char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= encoded[0] <= 0xD7
    return common >= 0.8 * len(han)


def decode_mojibake(run: str, *, min_gbk_han: int = 2) -> str | None:
    """The text ``run`` was before a wrong decoding, or None when it does not look like mojibake.

    Tries UTF-8 read as Windows-1252/latin-1 (directly, then through ftfy for the mixed cases)
    and GBK read as latin-1 (which ftfy does not cover); a result is accepted only when it is
    plausible CJK text, a GBK one only with ``min_gbk_han`` ideographs at least.

    >>> decode_mojibake("å®‰é¡ºå¸‚"), decode_mojibake("°²Ë³ÊÐ"), decode_mojibake("CafÃ©")
    ('安顺市', '安顺市', None)

    A few GBK runs are also something ftfy decodes: it reads these GBK bytes of "拎等助" as
    "爵酜". GBK is tried first; on random GBK mojibake, that order gave back the original text
    every time the two disagreed (26 of 916,000 runs).

    >>> decode_mojibake("ÁàµÈÖú")
    '拎等助'
    """
    decoded, han = _decoding(run)
    return decoded if decoded is not None and han >= min_gbk_han else None


def _decoding(run: str) -> tuple[str | None, int]:
    """``decode_mojibake``'s answer before its last test: the decoding (or None) and the number of
    ideographs a GBK decoding has (a UTF-8 one is always accepted: a large number).

    Cheapest first: the run as UTF-8 bytes read as Windows-1252/latin-1 (one encoding; ftfy leaves
    short runs alone, but in a CJK document a run that is exactly the UTF-8 bytes of CJK text is
    evidence enough), then as GBK bytes (the bytes of UTF-8 CJK text are not common GB2312
    characters, so the two cannot be confused), and only then ftfy, a hundred times slower, for
    the UTF-8 mixed with other damage that it knows.
    """
    for codec in ("sloppy-windows-1252", "latin-1"):
        try:
            fixed = run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        # valid UTF-8 bytes are UTF-8 mojibake, not GBK: "CafÃ©" is "Café", whatever GBK says
        return (fixed, _ALWAYS) if is_cjk_text(fixed) else _ftfy_decoding(run)
    decoded = _gbk_decoding(run)
    if decoded is not None:
        return decoded, len(HAN.findall(decoded))
    return _ftfy_decoding(run)


def _gbk_decoding(run: str) -> str | None:
    """``run`` as GBK bytes read as latin-1 or Windows-1252, decoded, when that is common GB2312 text."""
    try:
        raw = run.encode("latin-1")
    except UnicodeEncodeError:
        try:
            raw = run.encode("cp1252")
        except UnicodeEncodeError:
            return None
    try:
        decoded = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return decoded if decoded != run and is_cjk_text(decoded) and _is_common_gb2312(decoded) else None


def _ftfy_decoding(run: str) -> tuple[str | None, int]:
    fixed = ftfy.fix_encoding(run)
    return (fixed, _ALWAYS) if fixed != run and is_cjk_text(fixed) else (None, 0)


_ALWAYS = 1 << 30


def find_mojibake(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, decoded)`` for each run of ``text`` that decodes to plausible CJK text.

    >>> find_mojibake("Name: å®‰é¡ºå¸‚, ok")
    [(6, 15, '安顺市')]
    """
    runs = [(match.start(), match.end(), *_decoding(match.group())) for match in _MOJIBAKE_RUN.finditer(text)]
    # in a line with mojibake, a lone pair of letters ("2024Äê") is mojibake too
    least = 1 if any(decoded is not None and han >= 2 for _, _, decoded, han in runs) else 2
    return [(start, end, decoded) for start, end, decoded, han in runs if decoded is not None and han >= least]
