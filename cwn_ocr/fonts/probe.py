"""Which code of which font each line draws: poppler reads a copy of the PDF whose probed fonts send
every code to a private-use character of its own (planes 15 and 16), so the text layer of the copy
spells each line's codes where those fonts draw, with poppler's own lines, words, boxes and order.

No content stream is interpreted here: the copy differs from the PDF in its ToUnicode maps only, and
what poppler makes of the geometry (lines, spaces, columns) is what it makes of the original.

>>> bases = allocate({"6 0": 256, "9 0": 65536, "12 0": 65536, "14 0": 4096})
>>> bases["6 0"] == PROBE_FIRST, bases["14 0"] - bases["9 0"], "12 0" in bases
(True, 65536, False)
>>> starts = {"6 0": PROBE_FIRST, "12 0": PROBE_FIRST + 256}
>>> probe_codes(chr(PROBE_FIRST + 5) + "A" + chr(PROBE_FIRST + 256 + 3), starts)
[('6 0', 5), 'A', ('12 0', 3)]
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from cwn_ocr.errors import BadInputError
from cwn_ocr.fonts.cmaps import tounicode_ranges
from cwn_ocr.fonts.inventory import FontRef, font_object
from cwn_ocr.interrupts import run_program
from cwn_ocr.layer.textlayer import parse_bbox_layout, poppler_passwords
from cwn_ocr.model import BBox, Page

#: The first probe character: Supplementary Private Use Area-A, then on into Area-B.
PROBE_FIRST = 0xF0000
PROBE_END = 0x110000


def allocate(sizes: Mapping[str, int]) -> dict[str, int]:
    """The first probe character of each font (key -> code point) for fonts with ``sizes`` codes
    (rounded up to whole blocks of 256, so that no ToUnicode range crosses a last-byte wrap), in
    order, as many as the private-use planes hold; the others wait for another probe."""
    bases: dict[str, int] = {}
    position = PROBE_FIRST
    for key, size in sizes.items():
        size = -(-max(1, size) // 256) * 256
        if position + size > PROBE_END:
            continue
        bases[key] = position
        position += size
    return bases


def probe_codes(text: str, bases: Mapping[str, int]) -> list[tuple[str, int] | str]:
    """``text`` of the probe copy as its characters, each probe character as the (font, code) it
    stands for."""
    starts = sorted(bases.items(), key=lambda item: item[1])
    out: list[tuple[str, int] | str] = []
    for char in text:
        point = ord(char)
        if point >= PROBE_FIRST:
            owner = None
            for key, base in starts:
                if point >= base:
                    owner = (key, base)
            if owner is not None:
                out.append((owner[0], point - owner[1]))
                continue
        out.append(char)
    return out


def code_count(pdf: pikepdf.Pdf, font: FontRef) -> int:
    """How many codes the font can have: 256 for a simple font; for a composite one, one more than
    the largest CID its widths or CIDToGIDMap mention, else the whole two bytes."""
    if not font.composite:
        return 256
    obj = font_object(pdf, font.key)
    try:
        descendant = obj.DescendantFonts[0] if obj is not None else None
        largest = 0
        if descendant is not None:
            widths = descendant.get("/W")
            if widths is not None:
                items = list(widths)
                i = 0
                while i < len(items):
                    first = int(items[i])
                    if i + 1 < len(items) and isinstance(items[i + 1], pikepdf.Array):
                        largest = max(largest, first + len(items[i + 1]) - 1)
                        i += 2
                    else:
                        largest = max(largest, int(items[i + 1]) if i + 1 < len(items) else first)
                        i += 3
            gid_map = descendant.get("/CIDToGIDMap")
            if isinstance(gid_map, pikepdf.Stream):
                largest = max(largest, len(gid_map.read_bytes()) // 2 - 1)
        if largest:
            return largest + 1
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError, IndexError):
        pass
    return 65536


def write_with_maps(source: Path, maps: Mapping[str, bytes], target: Path, *, password: str | None = None) -> None:
    """A copy of ``source`` at ``target`` with each font of ``maps`` (key -> ToUnicode CMap bytes)
    given that map; nothing else changes."""
    try:
        with pikepdf.open(source, password=password or "") as pdf:
            for key, cmap in maps.items():
                font = font_object(pdf, key)
                if font is not None:
                    font.ToUnicode = pdf.make_stream(cmap)
            pdf.save(target)
    except pikepdf.PdfError as exc:
        raise BadInputError(f"pikepdf cannot rewrite its fonts ({exc})", path=source) from exc


@dataclass(frozen=True)
class ProbeLine:
    """One line of the probe copy's text layer: what poppler reads, probe characters included."""

    page: int
    bbox: BBox
    codes: tuple[tuple[str, int] | str, ...]  # ``probe_codes`` of its text

    def of_font(self, key: str) -> list[int]:
        return [item[1] for item in self.codes if isinstance(item, tuple) and item[0] == key]

    @property
    def text(self) -> str:
        """The line with each probe character as U+FFFC (an object replacement: something unknown)."""
        return "".join(item if isinstance(item, str) else "\ufffc" for item in self.codes)


def probe_maps(pdf: pikepdf.Pdf, fonts: Sequence[FontRef]) -> tuple[dict[str, bytes], dict[str, int]]:
    """The probe ToUnicode maps of as many of ``fonts`` as one probe holds, and their bases."""
    sizes = {font.key: code_count(pdf, font) for font in fonts}
    bases = allocate(sizes)
    by_key = {font.key: font for font in fonts}
    maps = {key: tounicode_ranges([(0, sizes[key] - 1, base)], code_bytes=by_key[key].code_bytes)
            for key, base in bases.items()}
    return maps, bases


def read_layer(pdf: Path, *, pages: Sequence[int] | None = None, password: str | None = None,
               timeout: float = 120) -> list[Page]:
    """``pdftotext -bbox-layout`` of ``pdf`` (or of ``pages`` only, numbered as in the PDF)."""
    cmd = ["pdftotext", "-bbox-layout", "-enc", "UTF-8", *poppler_passwords(password)]
    first, last = (min(pages), max(pages)) if pages else (1, 0)
    if pages:
        cmd += ["-f", str(first), "-l", str(last)]
    try:
        done = run_program(cmd + [str(pdf), "-"], timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BadInputError(f"poppler could not read a copy with repaired fonts ({exc})", path=pdf) from exc
    parsed = parse_bbox_layout(done.stdout.decode("utf-8", "surrogateescape"))
    offset = first - 1 if pages else 0
    return [Page(page.number + offset, page.width, page.height, page.lines) for page in parsed]


def probe(source: Path, pdf: pikepdf.Pdf, fonts: Sequence[FontRef], *, pages: Sequence[int] | None = None,
          password: str | None = None) -> tuple[list[ProbeLine], list[FontRef]]:
    """Every line of ``pages`` that a font of ``fonts`` draws, spelled in probe codes; and the fonts
    that did not fit in this probe (probe them again)."""
    maps, bases = probe_maps(pdf, fonts)
    with tempfile.TemporaryDirectory(prefix="cwn-probe-") as tmp:
        copy = Path(tmp) / "probe.pdf"
        write_with_maps(source, maps, copy, password=password)
        layer = read_layer(copy, pages=pages, password=password)
    lines = []
    for page in layer:
        for line in page.lines:
            codes = tuple(probe_codes(line.text, bases))
            if any(isinstance(item, tuple) for item in codes):
                lines.append(ProbeLine(page.number, line.bbox, codes))
    return lines, [font for font in fonts if font.key not in bases]
