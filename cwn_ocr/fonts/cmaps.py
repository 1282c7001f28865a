"""ToUnicode CMaps, read and written. Pure.

>>> cmap = tounicode_cmap({0x04: "其", 0x05: "他", 0x0101: "𠮷"}, code_bytes=2)
>>> parse_tounicode(cmap.decode("ascii"))
{4: '其', 5: '他', 257: '𠮷'}
>>> parse_tounicode(tounicode_ranges([(0x0000, 0x01FF, 0x100000)], code_bytes=2).decode("ascii"))[0x0105]
'\\U00100105'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cwn_ocr.layer.provenance import parse_tounicode

__all__ = ["identity_cmap", "parse_tounicode", "tounicode_cmap", "tounicode_ranges"]

_HEAD = """/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
{space}
endcodespacerange
"""
_TAIL = """endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def _code(code: int, code_bytes: int) -> str:
    return f"<{code:0{2 * code_bytes}X}>"


def _text(text: str) -> str:
    return "<" + text.encode("utf-16-be", "surrogatepass").hex().upper() + ">"


def _sections(kind: str, entries: list[str]) -> list[str]:
    """CMap sections hold at most 100 entries each."""
    out = []
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        out += [f"{len(chunk)} begin{kind}", *chunk, f"end{kind}"]
    return out


def _space(code_bytes: int) -> str:
    return f"{_code(0, code_bytes)} {_code(256 ** code_bytes - 1, code_bytes)}"


def identity_cmap() -> bytes:
    """A ToUnicode CMap sending every two-byte code to the UTF-16 unit of the same value (the
    invisible text layer's glyph-less font draws its text as UTF-16BE codes).

    >>> b"<0000> <FFFF> <0000>" in identity_cmap()
    True
    """
    body = "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
    return (_HEAD.format(space=_space(2)) + body + _TAIL).encode("ascii")


def tounicode_cmap(mapping: Mapping[int, str], *, code_bytes: int, pairs: Mapping[int, str] | None = None) -> bytes:
    """A ToUnicode CMap sending each code of ``mapping`` to its text (codes of ``code_bytes`` bytes);
    ``pairs``: two-byte codes too, for a simple font whose strings are a two-byte legacy encoding
    (pdfium reads them two bytes at a time by the font's Chinese name; others one at a time).

    >>> b"<8140> <FEFE>" in tounicode_cmap({0x41: " "}, code_bytes=1, pairs={0xB1B1: " "})
    True
    """
    entries = [f"{_code(code, code_bytes)} {_text(text)}" for code, text in sorted(mapping.items()) if text]
    entries += [f"{_code(code, 2)} {_text(text)}" for code, text in sorted((pairs or {}).items()) if text]
    body = "\n".join(_sections("bfchar", entries))
    space = _space(code_bytes) if not pairs else "<00> <80>\n<8140> <FEFE>"
    head = _HEAD.format(space=space).replace("1 begincodespacerange", f"{1 + bool(pairs)} begincodespacerange")
    return (head + body + "\n" + _TAIL).encode("ascii")


def tounicode_ranges(ranges: Iterable[tuple[int, int, int]], *, code_bytes: int) -> bytes:
    """A ToUnicode CMap sending codes ``low..high`` to consecutive characters from ``first``, for
    each ``(low, high, first)``; ranges are cut where a code's last byte wraps (no range may cross it)."""
    entries = []
    for low, high, first in ranges:
        code = low
        while code <= high:
            end = min(high, code | 0xFF)
            entries.append(f"{_code(code, code_bytes)} {_code(end, code_bytes)} {_text(chr(first + code - low))}")
            code = end + 1
    body = "\n".join(_sections("bfrange", entries))
    return (_HEAD.format(space=_space(code_bytes)) + body + "\n" + _TAIL).encode("ascii")
