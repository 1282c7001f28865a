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
    """How many characters of ``text`` are not white space."""
    return sum(1 for c in text if not c.isspace())

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
    return bool(HAN.search(text)) and not regex.search(
        r"[^\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303F\uFF00-\uFFEF\u2018-\u201D\u00B7\u2014\u2026"
        r"0-9A-Za-z\s.,%()\-]", text)


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

    Tries UTF-8 read as Windows-1252/latin-1 (through ftfy) and GBK read as latin-1 (which
    ftfy does not cover); a result is accepted only when it is plausible CJK text.
    """
    fixed = ftfy.fix_encoding(run)
    if fixed != run and is_cjk_text(fixed):
        return fixed
    # ftfy leaves short runs alone (too little evidence in general text); in a CJK
    # document a run that is exactly the UTF-8 bytes of CJK text is evidence enough.
    for codec in ("sloppy-windows-1252", "latin-1"):
        try:
            fixed = run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        # valid UTF-8 bytes are UTF-8 mojibake, not GBK: "CafÃ©" is "Café", whatever GBK says
        return fixed if is_cjk_text(fixed) else None
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
    # two ideographs at least: one pair of latin-1 letters decodes to some GBK character too often
    plausible = is_cjk_text(decoded) and _is_common_gb2312(decoded)
    if decoded != run and plausible and len(HAN.findall(decoded)) >= min_gbk_han:
        return decoded
    return None


def find_mojibake(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, decoded)`` for each run of ``text`` that decodes to plausible CJK text.

    >>> find_mojibake("Name: å®‰é¡ºå¸‚, ok")
    [(6, 15, '安顺市')]
    """
    runs = list(_MOJIBAKE_RUN.finditer(text))
    found = {}
    for match in runs:
        decoded = decode_mojibake(match.group())
        if decoded is not None:
            found[match.start()] = (match.start(), match.end(), decoded)
    if found:  # in a line with mojibake, a lone pair of letters ("2024Äê") is mojibake too
        for match in runs:
            if match.start() not in found:
                decoded = decode_mojibake(match.group(), min_gbk_han=1)
                if decoded is not None:
                    found[match.start()] = (match.start(), match.end(), decoded)
    return [found[start] for start in sorted(found)]
