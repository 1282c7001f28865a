"""Typesetting for the stress corpus (`bench/corpus.py`): pages laid out line by line with fpdf2.

The corpus needs one truth line per printed line, so this module wraps and places every line itself
(no ``multi_cell``): each line is drawn as runs, one per font, and recorded with its box and the fonts
it used. A line with Han is set in the document's CJK font; an English-only line in a separate Latin font
(DejaVu), as real profiles do, so that breaking the CJK font leaves the English lines clean. A character
a font lacks (``₂`` in Noto, ``•`` in Zen Hei) is drawn in the fallback font instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TextMode

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class FontFile:
    """One face of a font file (``index`` picks the face of a .ttc collection)."""

    name: str
    path: str
    index: int = 0

    def exists(self) -> bool:
        return Path(self.path).exists()


@dataclass(frozen=True)
class CJKFamily:
    """A Debian CJK family: regular face, bold face when the package ships one, and the package."""

    name: str
    regular: FontFile
    bold: FontFile | None
    package: str


NOTO = "/usr/share/fonts/opentype/noto"
CJK_FAMILIES: tuple[CJKFamily, ...] = (
    CJKFamily("Noto Sans CJK SC", FontFile("NotoSansCJKsc", f"{NOTO}/NotoSansCJK-Regular.ttc", 2),
              FontFile("NotoSansCJKscBold", f"{NOTO}/NotoSansCJK-Bold.ttc", 2), "fonts-noto-cjk"),
    CJKFamily("Noto Serif CJK SC", FontFile("NotoSerifCJKsc", f"{NOTO}/NotoSerifCJK-Regular.ttc", 2),
              FontFile("NotoSerifCJKscBold", f"{NOTO}/NotoSerifCJK-Bold.ttc", 2), "fonts-noto-cjk"),
    CJKFamily("WenQuanYi Micro Hei", FontFile("WenQuanYiMicroHei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
              None, "fonts-wqy-microhei"),
    CJKFamily("WenQuanYi Zen Hei", FontFile("WenQuanYiZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
              None, "fonts-wqy-zenhei"),
    CJKFamily("AR PL UMing CN", FontFile("ARPLUMingCN", "/usr/share/fonts/truetype/arphic/uming.ttc"),
              None, "fonts-arphic-uming"),
    CJKFamily("AR PL UKai CN", FontFile("ARPLUKaiCN", "/usr/share/fonts/truetype/arphic/ukai.ttc"),
              None, "fonts-arphic-ukai"),
)
LATIN_FACES = {
    "DejaVu Sans": (FontFile("DejaVuSans", str(DEJAVU / "DejaVuSans.ttf")),
                    FontFile("DejaVuSansBold", str(DEJAVU / "DejaVuSans-Bold.ttf"))),
    "DejaVu Serif": (FontFile("DejaVuSerif", str(DEJAVU / "DejaVuSerif.ttf")),
                     FontFile("DejaVuSerifBold", str(DEJAVU / "DejaVuSerif-Bold.ttf"))),
}
FALLBACK = FontFile("DejaVuSansFallback", str(DEJAVU / "DejaVuSans.ttf"))
# families fpdf2 registers; "cjk*" are the ones a born-digital damage breaks
CJK_KEYS = ("cjk", "cjkb")
GUTTER = 16.0  # mm between columns: with less, pdftotext reads across the gutter
WIDE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@cache
def _opened(font: FontFile) -> tuple[object, dict[int, str]]:
    """``font``'s glyph set and cmap (fontTools, read lazily; kept open for ``draws``)."""
    from fontTools.ttLib import TTFont

    tt = TTFont(font.path, fontNumber=font.index, lazy=True)
    return tt.getGlyphSet(), tt.getBestCmap()


@cache
def draws(font: FontFile, char: str) -> bool:
    """True when ``font`` draws ``char``: its cmap maps it to a glyph with an outline (a space is empty by
    design). WenQuanYi Micro Hei maps ``℃`` to an empty glyph: a page set in it shows nothing where the
    text says ``℃``, so the truth would hold a character no reader can see."""
    from fontTools.pens.boundsPen import BoundsPen

    if char.isspace():
        return True
    glyphs, cmap = _opened(font)
    if ord(char) not in cmap:
        return False
    pen = BoundsPen(glyphs)
    glyphs[cmap[ord(char)]].draw(pen)  # type: ignore[index]
    return pen.bounds is not None


@dataclass
class PlacedLine:
    """One printed line: its text, baseline origin and width (mm), size (pt), style and fonts used."""

    text: str
    x: float
    y: float
    width: float
    size: float
    style: str
    fonts: list[str] = field(default_factory=list)
    column: int = 0

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "box_mm": [round(self.x, 2), round(self.y - self.size * 0.3528, 2),
                                              round(self.width, 2), round(self.size * 0.3528 * 1.2, 2)],
                "size_pt": self.size, "style": self.style, "fonts": sorted(set(self.fonts)), "column": self.column}


@dataclass(frozen=True)
class Layout:
    """Page geometry and type sizes of one document."""

    name: str  # "one_column", "two_columns", "table", "english_headings"
    columns: int
    body_pt: float
    heading_pt: float
    leading: float  # line pitch / size
    margin_mm: float
    footer: str  # "", "page", "chinese", "dash"
    latin: str  # key of LATIN_FACES

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "columns": self.columns, "body_pt": self.body_pt, "heading_pt": self.heading_pt,
                "leading": self.leading, "margin_mm": self.margin_mm, "footer": self.footer, "latin_font": self.latin}


@dataclass(frozen=True)
class Block:
    """A unit of content: ``kind`` is title, heading, para, english, bullets or table."""

    kind: str
    lines: tuple[str, ...]  # one entry for title/heading/para/english; items for bullets; rows for table


class Typesetter:
    """Lays blocks out on A4 pages, line by line, and records every line placed."""

    def __init__(self, family: CJKFamily, layout: Layout) -> None:
        self.family, self.layout = family, layout
        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))  # reproducible bytes
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(layout.margin_mm, layout.margin_mm, layout.margin_mm)
        latin, latin_bold = LATIN_FACES[layout.latin]
        self.faces: dict[str, FontFile] = {"cjk": family.regular, "lat": latin, "latb": latin_bold,
                                           "fb": FALLBACK}
        if family.bold is not None:
            self.faces["cjkb"] = family.bold
        for key, face in self.faces.items():
            self.pdf.add_font(key, fname=face.path, collection_font_number=face.index)
        self.pages: list[list[PlacedLine]] = []
        self.column = 0
        self.y = 0.0
        self.top = 0.0

    # --- measuring and drawing ---------------------------------------------------------

    def covers(self, text: str) -> bool:
        """True when some font of the document has a glyph for every character of ``text``."""
        return all(char.isspace() or any(draws(face, char) for face in self.faces.values()) for char in text)

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """``text`` cut into (font key, text) runs: the line's main font, the fallback where it lacks a glyph."""
        wide = bool(WIDE.search(text))
        if wide:
            main = "cjkb" if bold and "cjkb" in self.faces else "cjk"
        else:
            main = "latb" if bold else "lat"
        order = [main, "fb", "cjk"]
        runs: list[tuple[str, str]] = []
        for char in text:
            key = next((k for k in order if char == " " or draws(self.faces[k], char)), main)
            if runs and runs[-1][0] == key:
                runs[-1] = (key, runs[-1][1] + char)
            else:
                runs.append((key, char))
        return runs

    def width(self, text: str, size: float, bold: bool) -> float:
        total = 0.0
        for key, run in self.runs(text, bold):
            self.pdf.set_font(key, size=size)
            total += self.pdf.get_string_width(run)
        return total

    def wrap(self, text: str, width: float, size: float, bold: bool) -> list[str]:
        """Greedy line breaking: Latin words stay whole, CJK breaks between any two characters."""
        units = re.findall(r"[A-Za-z0-9.,:;'’\-/()%]+\s*|\S\s*|\s+", text)
        lines: list[str] = []
        current = ""
        for unit in units:
            trial = current + unit
            if current and self.width(trial.rstrip(), size, bold) > width:
                head, carried = current.rstrip(), ""
                # a line ending in a hyphen would be joined to the next by extractors (dehyphenation)
                while head.endswith(("-", "\u2010")) and len(head) > 1:
                    head, carried = head[:-1], head[-1] + carried
                lines.append(head.rstrip())
                current = carried + unit.lstrip()
            else:
                current = trial
        if current.strip():
            lines.append(current.rstrip())
        return [line for line in lines if line]

    def draw(self, text: str, x: float, y: float, size: float, bold: bool, style: str) -> PlacedLine:
        start = x
        used = []
        for key, run in self.runs(text, bold):
            self.pdf.set_font(key, size=size)
            self.pdf.text(x, y, run)
            x += self.pdf.get_string_width(run)
            if run.strip():
                used.append(key)
        return PlacedLine(text, start, y, x - start, size, style, used, self.column)

    # --- pages and columns -------------------------------------------------------------

    @property
    def column_width(self) -> float:
        gutter = GUTTER
        usable = self.pdf.w - 2 * self.layout.margin_mm
        return (usable - gutter * (self.layout.columns - 1)) / self.layout.columns

    def column_x(self) -> float:
        return self.layout.margin_mm + self.column * (self.column_width + GUTTER)

    @property
    def block_gap(self) -> float:
        """Space between blocks (mm). None in columns: pdftotext cuts a column at each gap into blocks and
        then reads the blocks of both columns interleaved."""
        return 2.0 if self.layout.columns == 1 else 0.0

    @property
    def bottom(self) -> float:
        return self.pdf.h - self.layout.margin_mm - (8 if self.layout.footer else 0)

    def new_page(self) -> None:
        if self.pages:
            self.footer()
        self.pdf.add_page()
        self.pages.append([])
        self.column, self.y = 0, self.layout.margin_mm
        self.top = self.y

    def footer(self) -> None:
        number = len(self.pages)
        text = {"page": f"Page {number}", "chinese": f"第 {number} 页", "dash": f"- {number} -"}.get(
            self.layout.footer, "")
        if not text:
            return
        size = 9.0
        bold = False
        x = (self.pdf.w - self.width(text, size, bold)) / 2
        self.pages[-1].append(self.draw(text, x, self.pdf.h - self.layout.margin_mm, size, bold, "footer"))

    def fits(self, height: float) -> bool:
        return self.y + height <= self.bottom

    def advance(self, height: float, last_page: bool) -> bool:
        """Make room for ``height`` mm: next column, else next page; False when the document is full."""
        if self.fits(height):
            return True
        if self.column + 1 < self.layout.columns:
            self.column += 1
            self.y = self.top
            return self.fits(height)
        if last_page:
            return False
        self.new_page()
        return True

    def place(self, text: str, size: float, bold: bool, style: str, last_page: bool, gap: float = 0.0) -> bool:
        pitch = size * 0.3528 * self.layout.leading
        if not self.advance(pitch, last_page):
            return False
        baseline = self.y + size * 0.3528
        self.pages[-1].append(self.draw(text, self.column_x(), baseline, size, bold, style))
        self.y += pitch + gap
        return True

    def place_wrapped(self, text: str, size: float, style: str, last_page: bool, gap: float) -> bool:
        """A bold title or heading broken to the column's width (a line wider than the page would be
        cut at its edge: its end is printed nowhere, and no truth may hold it), ``gap`` after the last line."""
        lines = self.wrap(text, self.column_width - 2, size, True)
        for i, line in enumerate(lines):
            if not self.place(line, size, True, style, last_page, gap=gap if i == len(lines) - 1 else 0.0):
                return False
        return True

    # --- blocks ------------------------------------------------------------------------

    def typeset(self, blocks: Iterator[Block], pages: int) -> list[list[PlacedLine]]:
        """Lay ``blocks`` out until exactly ``pages`` pages are full; the lines placed, per page."""
        self.new_page()
        layout = self.layout
        for block in blocks:
            last = len(self.pages) >= pages
            if block.kind == "title":
                size = layout.heading_pt + 3
                self.pdf.set_draw_color(0)
                ok = self.place_wrapped(block.lines[0], size, "title", last, gap=3)
                self.top = self.y  # columns start under the title
            elif block.kind == "heading":
                self.y += self.block_gap
                ok = self.place_wrapped(block.lines[0], layout.heading_pt, "heading", last, gap=1.5)
            elif block.kind == "table":
                ok = self.table(block, last)
            else:
                ok = True
                for item in block.lines:
                    for line in self.wrap(item, self.column_width - 2, layout.body_pt, False):
                        ok = self.place(line, layout.body_pt, False, block.kind, len(self.pages) >= pages)
                        if not ok:
                            break
                    if not ok:
                        break
                self.y += self.block_gap
            if not ok:
                break
        self.footer()
        return self.pages

    def table(self, block: Block, last_page: bool) -> bool:
        """A ruled three-column table; it moves whole to the next column or page when it does not fit."""
        size = self.layout.body_pt
        pitch = size * 0.3528 * 1.9
        rows = block.lines
        height = pitch * len(rows) + 4
        if not self.fits(height):
            if self.column + 1 < self.layout.columns:
                self.column, self.y = self.column + 1, self.top
            elif last_page:
                return False
            else:
                self.new_page()
            if not self.fits(height):
                return False
        x0 = self.column_x()
        width = self.column_width - 2
        cells = [row.split("\t") for row in rows]
        widths = [max(self.width(c[i], size, False) for c in cells) + 4 for i in range(3)]
        # natural cell widths, squeezed to the column or spread a little (not to the full width: a wide
        # gap between cells is a column gap to a text extractor)
        factor = min(width / sum(widths), 1.4)
        edges = [x0]
        for w in widths:
            edges.append(edges[-1] + w * factor)
        top = self.y + 1
        self.pdf.set_line_width(0.2)
        for r, row in enumerate(cells):
            baseline = top + r * pitch + pitch * 0.68
            runs_used: list[str] = []
            for i, cell in enumerate(row):
                placed = self.draw(cell, edges[i] + 2, baseline, size, False, "table")
                runs_used += placed.fonts
            text = " ".join(row)
            self.pages[-1].append(PlacedLine(text, x0, baseline, edges[-1] - x0, size, "table", runs_used,
                                             self.column))
            self.pdf.line(edges[0], top + (r + 1) * pitch, edges[-1], top + (r + 1) * pitch)
        self.pdf.line(edges[0], top, edges[-1], top)
        for edge in edges:
            self.pdf.line(edge, top, edge, top + len(rows) * pitch)
        self.y = top + len(rows) * pitch + 4
        return True

    def output(self, path: Path) -> None:
        self.pdf.output(str(path))

    def resource_names(self, keys: tuple[str, ...] = CJK_KEYS) -> list[str]:
        """The /Font resource names fpdf2 gave the font keys ``keys`` (``/F1`` …)."""
        return [f"/F{self.pdf.fonts[k].i}" for k in keys if k in self.pdf.fonts]


def invisible_layer_page(pdf: FPDF, image: Path, lines: list[tuple[str, float, float, float, float]],
                         font: FontFile, fallback: FontFile) -> None:
    """Add a page to ``pdf``: the scan ``image`` over the whole A4 page and, in render mode 3 (invisible),
    each (text, x, baseline y, width, size) line stretched to its box, as OCR engines write their layers."""
    if "ocr" not in pdf.fonts:
        pdf.add_font("ocr", fname=font.path, collection_font_number=font.index)
        pdf.add_font("ocrfb", fname=fallback.path, collection_font_number=fallback.index)
    pdf.add_page()
    pdf.image(str(image), x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.text_mode = TextMode.INVISIBLE
    for text, x, y, width, size in lines:
        runs: list[tuple[str, str]] = []
        for char in text:
            key = "ocr" if char == " " or draws(font, char) else "ocrfb"
            if runs and runs[-1][0] == key:
                runs[-1] = (key, runs[-1][1] + char)
            else:
                runs.append((key, char))
        natural = 0.0
        for key, run in runs:
            pdf.set_font(key, size=size)
            natural += pdf.get_string_width(run)
        stretch = 100.0 * width / natural if natural > 0 else 100.0
        pdf.set_stretching(max(10.0, min(400.0, stretch)))
        cursor = x
        for key, run in runs:
            pdf.set_font(key, size=size)
            pdf.text(cursor, y, run)
            cursor += pdf.get_string_width(run)
        pdf.set_stretching(100)
    pdf.text_mode = TextMode.FILL
