"""Rebuild the sample PDFs and their ground truth: ``make samples`` (or ``python samples/make_samples.py``).

Every sample reproduces one real failure of Chinese city-profile PDFs, with text taken from
``tests/data/seeds`` (the Anshun and Kunming CitiesWithNature profiles), so the ground truth
is known exactly. ``<name>.truth.txt`` holds what each page shows, pages separated by ``\\f``.

- ``scan_eng_layer``: a scanned profile whose invisible OCR layer was made by Tesseract
  with the English model only (Congjiang's failure: Chinese turns into ``FERAIT (PEAR...``).
- ``no_tounicode``: born-digital text whose CJK font has lost its ToUnicode map.
- ``mixed_pages``: clean born-digital pages around one scanned page with an English-only layer.
- ``mojibake_kangxi``: born-digital; some paragraphs' fonts map their glyphs to UTF-8-as-cp1252
  mojibake, GBK-as-latin-1 mojibake, or Kangxi radicals (like pdf.js issue 15340).
- ``wrong_tounicode``: born-digital; the CJK font's ToUnicode map permuted among its own glyphs, so
  the Chinese extracts as fluent-looking but wrong characters that text statistics cannot catch.
- ``clean_english`` and ``clean_mixed``: correct layers that must come out unchanged.

``python samples/make_samples.py [NAME ...]`` rebuilds only the samples named.

Needs: fonts-noto-cjk, fonts-dejavu-core, tesseract-ocr with eng, poppler-utils (``make setup``).
The output is deterministic except for Tesseract's own layer, which is the point of the sample.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "tests" / "data" / "seeds"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_SC = 2  # index of "Noto Sans CJK SC" in the collection
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Block:
    text: str
    style: str  # "title", "heading", "body"
    cjk_font: str = "cjk"  # the family used for Han text: lets one paragraph get its own font


def seed_blocks(name: str, first: int, last: int) -> list[Block]:
    """Blocks from lines ``first..last`` (1-based, inclusive) of a seed extract."""
    lines = (SEEDS / f"{name}_extract.txt").read_text("utf-8").split("\n")[first - 1:last]
    blocks = []
    for line in lines:
        text = line.strip().replace("\u2019", "'")
        if not text:
            continue
        short = len(text) < 70 and not HAN.search(text) and not text.endswith(".")
        blocks.append(Block(text, "heading" if short else "body"))
    return blocks


class Document(FPDF):
    def __init__(self, cjk_fonts: tuple[str, ...] = ("cjk",)) -> None:
        super().__init__(format="A4")
        self.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))  # reproducible bytes
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(False)
        self.add_font("latin", fname=str(LATIN_FONT))
        for family in cjk_fonts:
            self.add_font(family, fname=str(CJK_FONT), collection_font_number=CJK_FONT_SC)
        self.page_truth: list[list[str]] = []

    def write_pages(self, blocks: list[Block], *, max_pages: int) -> None:
        """Lay the blocks out top to bottom, a new page when one does not fit."""
        self._new_page()
        for block in blocks:
            # one regular face only: fpdf2 2.8 mixes up glyph ids between a bold subset and
            # a fallback font, which garbles the visible text itself
            size, gap = {"title": (18, 4), "heading": (12, 2), "body": (10, 3)}[block.style]
            self.set_font("latin", size=size)
            self.set_fallback_fonts([block.cjk_font])
            # fpdf2 measures runs in a fallback font a little short: keep a safety margin
            width = self.epw - 10
            height = self.multi_cell(width, size * 0.55, block.text, align="L", dry_run=True, output="HEIGHT")
            if self.get_y() + height > self.h - 20:
                if len(self.page_truth) == max_pages:
                    break
                self._new_page()
            self.multi_cell(width, size * 0.55, block.text, align="L")
            self.ln(gap)
            self.page_truth[-1].append(block.text)

    def _new_page(self) -> None:
        self.add_page()
        self.page_truth.append([])

    def truth(self) -> str:
        return "\f".join("\n".join(page) for page in self.page_truth) + "\n"


def build(blocks: list[Block], path: Path, *, max_pages: int, cjk_fonts: tuple[str, ...] = ("cjk",)) -> str:
    doc = Document(cjk_fonts)
    doc.write_pages(blocks, max_pages=max_pages)
    doc.output(str(path))
    return doc.truth()


def resource_name(family: str, cjk_fonts: tuple[str, ...] = ("cjk",)) -> str:
    """The /Font resource name fpdf2 gives ``family`` (every subset has the same BaseFont)."""
    return f"/F{Document(cjk_fonts).fonts[family].i}"


# --- scans with an English-only OCR layer -------------------------------------------------

def scan_with_eng_layer(born_digital: Path, out: Path, *, dpi: int = 200, skew: float = 0.6, seed: int = 7) -> None:
    """Print-and-scan each page (noise, slight skew, JPEG), then let Tesseract's *English*
    model put an invisible text layer on it, as the tool that made Congjiang's PDF did."""
    rng = np.random.default_rng(seed)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(born_digital), str(tmp / "p")], check=True)
        parts = []
        for png in sorted(tmp.glob("p-*.png")):
            image = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
            h, w = image.shape
            matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
            image = cv2.warpAffine(image, matrix, (w, h), borderValue=255, flags=cv2.INTER_LINEAR)
            noisy = image.astype(np.int16) + rng.normal(0, 6, image.shape).astype(np.int16)
            image = np.clip(noisy, 0, 255).astype(np.uint8)
            jpg = png.with_suffix(".jpg")
            cv2.imwrite(str(jpg), image, [cv2.IMWRITE_JPEG_QUALITY, 35])
            base = png.with_suffix("")
            subprocess.run(["tesseract", str(jpg), str(base), "-l", "eng", "--dpi", str(dpi), "pdf"],
                           check=True, env=env, capture_output=True)
            parts.append(base.with_suffix(".pdf"))
        concatenate(parts, out)


def concatenate(parts: list[Path], out: Path) -> None:
    merged = pikepdf.new()
    sources = [pikepdf.open(p) for p in parts]
    for source in sources:
        merged.pages.extend(source.pages)
    merged.save(out, deterministic_id=True)
    for source in sources:
        source.close()


# --- broken ToUnicode maps ---------------------------------------------------------------

def rewrite_tounicode(path: Path, resource: str, remap, rewrite=None) -> None:  # type: ignore[no-untyped-def]
    """Give the font named ``resource`` a ToUnicode map with each glyph's text passed
    through ``remap`` (None removes the map). The visible page does not change."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            for name, font in page.resources.get("/Font", {}).items():
                if name != resource:
                    continue
                if remap is None and rewrite is None:
                    if "/ToUnicode" in font:
                        del font["/ToUnicode"]
                    continue
                cmap = font.ToUnicode.read_bytes().decode("latin-1")
                new = rewrite(cmap) if rewrite else remap_cmap(cmap, remap)
                font.ToUnicode = pdf.make_stream(new.encode("latin-1"))
        pdf.save(path, deterministic_id=True)


def remap_cmap(cmap: str, remap, targets_by_code: dict[str, str] | None = None) -> str:  # type: ignore[no-untyped-def]
    """A ToUnicode CMap with every bfchar/bfrange target replaced by ``remap(text)`` (or, for the
    codes in ``targets_by_code``, by the target given there)."""
    pairs: list[tuple[str, str]] = []
    for section in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        pairs += re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section)
    for section in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            width = len(lo)
            for offset in range(int(hi, 16) - int(lo, 16) + 1):
                pairs.append((f"{int(lo, 16) + offset:0{width}X}", f"{int(dst, 16) + offset:04X}"))
    entries = []
    for code, target in pairs:
        target = (targets_by_code or {}).get(code, target)
        text = bytes.fromhex(target).decode("utf-16-be")
        entries.append(f"<{code}> <{remap(text).encode('utf-16-be').hex().upper()}>")
    head = cmap[:cmap.index("begincodespacerange")]
    space = re.search(r"begincodespacerange.*?endcodespacerange", cmap, re.S)
    assert space is not None
    body = []
    for i in range(0, len(entries), 100):
        chunk = entries[i:i + 100]
        body.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    tail = "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    return head + space.group() + "\n" + "\n".join(body) + tail


def permute_cmap(cmap: str) -> str:
    """The same ToUnicode CMap with its targets rotated by half their number: every glyph now
    claims to be another glyph of the same font (a derangement, deterministic)."""
    pairs: list[tuple[str, str]] = []
    for section in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        pairs += re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section)
    targets = [target for _, target in pairs]
    shift = len(targets) // 2 or 1
    rotated = {code: targets[(i + shift) % len(targets)] for i, (code, _) in enumerate(pairs)}
    return remap_cmap(cmap, lambda text: text, targets_by_code=rotated)


def utf8_as_cp1252(text: str) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
    return text.encode("utf-8").decode("sloppy-windows-1252")


def gbk_as_latin1(text: str) -> str:
    try:
        return text.encode("gbk").decode("latin-1")
    except UnicodeEncodeError:
        return text


def as_radical(text: str) -> str:
    """The Kangxi radical (or radical supplement character) that looks like ``text``, if any."""
    table: dict[str, str] = {}
    source = (HERE.parent / "cwn_ocr" / "data" / "EquivalentUnifiedIdeograph.txt").read_text("utf-8")
    for raw in source.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and ".." not in line.split(";")[0]:
            radical, unified = (int(part.strip(), 16) for part in line.split(";"))
            if 0x2F00 <= radical <= 0x2FDF or chr(unified) not in table:
                table[chr(unified)] = chr(radical)
    return "".join(table.get(c, c) for c in text)


# --- the samples ---------------------------------------------------------------------------

def main(only: list[str]) -> int:
    for needed in (CJK_FONT, LATIN_FONT):
        if not needed.exists():
            print(f"missing font {needed}: run `make setup`", file=sys.stderr)
            return 3
    title = [Block("Anshun City", "title"), Block("Chapter 2 - The Action Platform", "heading")]
    action_area = title + seed_blocks("anshun", 137, 190)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        samples: dict[str, str] = {}

        def wanted(name: str) -> bool:
            return not only or name in only

        if wanted("scan_eng_layer"):
            born = tmp / "scan_src.pdf"
            samples["scan_eng_layer"] = build(action_area, born, max_pages=2)
            scan_with_eng_layer(born, HERE / "scan_eng_layer.pdf")

        if wanted("no_tounicode"):
            samples["no_tounicode"] = build(seed_blocks("anshun", 197, 246), HERE / "no_tounicode.pdf",
                                            max_pages=1)
            rewrite_tounicode(HERE / "no_tounicode.pdf", resource_name("cjk"), None)

        if wanted("mixed_pages"):
            clean1, clean3, middle = tmp / "m1.pdf", tmp / "m3.pdf", tmp / "m2.pdf"
            truth = [build(seed_blocks("anshun", 1, 40), clean1, max_pages=1),
                     build(seed_blocks("anshun", 247, 262), middle, max_pages=1),
                     build(seed_blocks("anshun", 299, 318), clean3, max_pages=1)]
            scanned_middle = tmp / "m2s.pdf"
            scan_with_eng_layer(middle, scanned_middle, seed=11, skew=-0.4)
            concatenate([clean1, scanned_middle, clean3], HERE / "mixed_pages.pdf")
            samples["mixed_pages"] = "\f".join(t.rstrip("\n") for t in truth) + "\n"

        if wanted("mojibake_kangxi"):
            fonts = ("cjk", "cjkutf", "cjkgbk", "cjkkangxi")
            paragraphs = [b for b in seed_blocks("anshun", 147, 168)]
            chinese = [i for i, b in enumerate(paragraphs) if HAN.search(b.text)]
            for font, index in zip(fonts, chinese):
                paragraphs[index] = Block(paragraphs[index].text, "body", font)
            samples["mojibake_kangxi"] = build(paragraphs, HERE / "mojibake_kangxi.pdf", max_pages=1,
                                               cjk_fonts=fonts)
            for family, remap in (("cjkutf", utf8_as_cp1252), ("cjkgbk", gbk_as_latin1),
                                  ("cjkkangxi", as_radical)):
                rewrite_tounicode(HERE / "mojibake_kangxi.pdf", resource_name(family, fonts), remap)

        if wanted("wrong_tounicode"):
            samples["wrong_tounicode"] = build(seed_blocks("anshun", 255, 296), HERE / "wrong_tounicode.pdf",
                                               max_pages=1)
            rewrite_tounicode(HERE / "wrong_tounicode.pdf", resource_name("cjk"), None, rewrite=permute_cmap)

        if wanted("clean_english"):
            samples["clean_english"] = build([Block("Kunming", "title")] + seed_blocks("kunming", 1, 60),
                                             HERE / "clean_english.pdf", max_pages=2)
        if wanted("clean_mixed"):
            samples["clean_mixed"] = build(title + seed_blocks("anshun", 163, 196), HERE / "clean_mixed.pdf",
                                           max_pages=2)
        for name, text in samples.items():
            (HERE / f"{name}.truth.txt").write_text(text, "utf-8")
            size = (HERE / f"{name}.pdf").stat().st_size
            print(f"{name}.pdf  {text.count(chr(12)) + 1} page(s)  {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
