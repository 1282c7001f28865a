"""OCR engines behind one interface (issue 21): Tesseract and PP-OCR read real line crops, PP-OCR
runs single-threaded, the per-line choice records its reason, Tesseract alone works when PP-OCR
is missing, and a Tesseract that crashes on a crop costs that reading only."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import regex

from cwn_ocr.model import BBox, Line, PageOcr, Word
from cwn_ocr.ocr.cache import page_from_dict, page_to_dict
from cwn_ocr.ocr.engines import ENGINE_CHOICES, OcrEngine, engines_for, resolve_engine
from cwn_ocr.ocr.engines.choose import choose
from cwn_ocr.ocr.engines.ppocr import PpOcrEngine, session_threads
from cwn_ocr.ocr.engines.tesseract import TesseractEngine
from cwn_ocr.ocr.tesseract import OcrSettings
from tests.conftest import SAMPLES, cer, truth_pages

pytestmark = [pytest.mark.poppler, pytest.mark.tesseract]

needs_ppocr = pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")


@pytest.fixture(scope="module")
def page_lines() -> tuple[np.ndarray, list[Line]]:
    """Page 1 of clean_mixed at 300 dpi and its layer lines (exact: the page is born-digital)."""
    from cwn_ocr.layer.textlayer import read_text_layer
    from cwn_ocr.ocr.raster import render

    page = read_text_layer(SAMPLES / "clean_mixed.pdf")[0]
    image = render(SAMPLES / "clean_mixed.pdf", 1, page.width, page.height, dpi=300)
    return image, [line for line in page.lines if line.bbox.height > 0]


def crop_of(image: np.ndarray, line: Line) -> np.ndarray:
    from cwn_ocr.ocr.page import line_crop

    return line_crop(image, line.bbox.scaled(300 / 72))[0]


def han_and_english(lines: list[Line]) -> tuple[Line, Line]:
    han = next(line for line in lines if sum("\u4e00" <= c <= "\u9fff" for c in line.text) >= 20)
    english = next(line for line in lines if line.text.isascii() and len(line.text) >= 30)
    return han, english


@needs_ppocr
@pytest.mark.parametrize("engine", [TesseractEngine(OcrSettings()), PpOcrEngine()], ids=["tesseract", "ppocr"])
def test_both_engines_read_real_line_crops_behind_the_interface(engine: OcrEngine,
                                                                page_lines: tuple[np.ndarray, list[Line]]) -> None:
    image, lines = page_lines
    han, english = han_and_english(lines)
    crops = [crop_of(image, han), crop_of(image, english)]
    readings = engine.read_lines(crops)
    assert [r.engine for r in readings] == [engine.name] * 2
    for reading, truth, crop in zip(readings, (han, english), crops):
        assert cer(reading.text, truth.text) < 0.05, (engine.name, reading.text, truth.text)
        assert reading.confidence is not None and 50 < reading.confidence <= 100
        for word in reading.words:  # boxes in the crop's pixels, confidences 0..100
            assert 0 <= word.bbox.x0 < word.bbox.x1 <= crop.shape[1] + 1
            assert 0 <= word.bbox.y0 < word.bbox.y1 <= crop.shape[0] + 1
            assert word.confidence is not None and 0 <= word.confidence <= 100
    assert engine.read_line(crops[1]).text == readings[1].text
    blank = engine.read_line(np.full((60, 400), 255, np.uint8))
    assert blank.text == "" and blank.engine == engine.name  # nothing legible: an empty reading, no error


@needs_ppocr
@pytest.mark.parametrize("engine", [TesseractEngine(OcrSettings()), PpOcrEngine()], ids=["tesseract", "ppocr"])
def test_a_region_comes_back_as_lines_top_to_bottom(engine: OcrEngine,
                                                    page_lines: tuple[np.ndarray, list[Line]]) -> None:
    image, lines = page_lines
    han, english = han_and_english(lines)
    first = min(lines.index(han), lines.index(english))
    chosen = lines[first:first + 3]
    box = chosen[0].bbox
    for line in chosen[1:]:
        box = box.union(line.bbox)
    box = box.scaled(300 / 72)
    region = image[int(box.y0) - 10:int(box.y1) + 10, max(0, int(box.x0) - 10):int(box.x1) + 10]
    found = engine.read_region(region)
    assert len(found) == 3
    assert [f.bbox.y0 for f in found] == sorted(f.bbox.y0 for f in found)
    for reading, truth in zip(found, chosen):
        assert cer(reading.text, truth.text) < 0.1, (reading.text, truth.text)


#: Lines as a CJK document typesets them: (text, "n" | "sup" | "sub") runs, small forms 0.6 of the
#: size, raised a third of an em or lowered an eighth (as word processors set them).
SCRIPTED = [
    [("全市国土面积 1,544 km", "n"), ("2", "sup"), ("，森林覆盖率 38.85%", "n")],
    [("二氧化碳 CO", "n"), ("2", "sub"), (" 排放量同比下降", "n")],
    [("监测站记录 PM2.5 浓度 35 μg/m", "n"), ("3", "sup"), ("，达标", "n")],
    [("用 H", "n"), ("2", "sub"), ("SO", "n"), ("4", "sub"), (" 溶液处理样品", "n")],
    [("样品编号 RTG803，批次 CSC013，合格", "n")],
    [("支持 IPv6 地址和 MP3 文件的播放", "n")],
    [("版本 Python3 和 GB2312 编码的文件", "n")],
    [("二氧化碳 CO2 排放量同比下降", "n")],
]
SMALL = {"sup": "⁰¹²³⁴⁵⁶⁷⁸⁹", "sub": "₀₁₂₃₄₅₆₇₈₉"}
CJK_FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]


#: English lines (no Han to measure against: ``forms.latin_band``) and the Latin fonts they are set in; the last
#: with old-style figures, whose descending ones would pull a band measured over digits down to the x-height.
ENGLISH_SCRIPTED = [
    [("Forest cover rose to 61.8% over 6,442 km", "n"), ("2", "sup"), (".", "n")],
    [("Mean PM2.5 was 35 ug/m", "n"), ("3", "sup"), (" in 2020, up 4.2%", "n")],
    [("Wetlands cover 1,205 hm", "n"), ("2", "sup"), (" of the 3,180 km", "n"), ("2", "sup"), (" in 2024", "n")],
    [("Section 3.7: CO", "n"), ("2", "sub"), (" emissions fell by 14.3% in 2020", "n")],
    [("Play MP3 files on IPv6 networks, 2024", "n")],
    [("Print 300 copies on A4 paper, model RTG803", "n")],
    [("CO2 emissions fell by 14.3% between 2000 and 2008", "n")],
    [("Our B", "n"), ("2", "old"), ("B sales of ", "n"), ("3457", "desc"), (" t rose in 19", "n"), ("79", "desc"),
     (", CO", "n"), ("2", "old"), (" fell", "n")],
]
LATIN_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
               "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]


def typeset(font_path: str, size: int, runs: list[tuple[str, str]]) -> np.ndarray:
    """The runs set on one line: "n" at ``size``, "sup" and "sub" at 0.6 of it raised or lowered, and as old-style
    figures do (Georgia, Garamond) at 0.7 of it, "old" on the baseline (``0 1 2``: x-high), "desc" lowered
    (``3 4 5 7 9`` descend)."""
    from PIL import Image, ImageDraw, ImageFont

    full, small = ImageFont.truetype(font_path, size), ImageFont.truetype(font_path, int(size * 0.6))
    old = ImageFont.truetype(font_path, int(size * 0.7))
    image = Image.new("L", (60 * size, int(size * 2.2)), 255)
    draw, x, baseline = ImageDraw.Draw(image), 15.0, int(size * 1.4)
    for text, form in runs:
        font = full if form == "n" else old if form in ("old", "desc") else small
        shift = {"n": 0, "sup": -int(size * 0.33), "sub": int(size * 0.12), "old": 0, "desc": int(size * 0.22)}[form]
        draw.text((x, baseline + shift), text, font=font, fill=0, anchor="ls")
        x += font.getlength(text)
    return np.asarray(image)[:, :int(x) + 20]


def typeset_and_read(fonts: list[str], lines: list[list[tuple[str, str]]], *, missing: str
                     ) -> Iterator[tuple[str, int, list[tuple[str, str]], Line]]:
    """Each of ``lines`` typeset (``typeset``) in each of ``fonts`` that is installed at two sizes and read by
    PP-OCR: (font, size, the line's runs, the reading). The test is skipped, saying ``missing``, with fewer than
    two of the fonts."""
    installed = [path for path in fonts if Path(path).is_file()]
    if len(installed) < 2:
        pytest.skip(missing)
    for path in installed:
        for size in (30, 44):
            readings = PpOcrEngine().read_lines([typeset(path, size, runs) for runs in lines])
            yield from ((path, size, runs, reading) for runs, reading in zip(lines, readings))


@needs_ppocr
def test_ppocr_reads_raised_and_lowered_digits_from_where_their_ink_sits() -> None:
    """``km²``, ``CO₂``, ``H₂SO₄``: the recognizer reads the digits, the crop shows them raised or
    lowered (``forms.script_digits``); digits of normal size after letters (``CO2``, ``MP3``,
    ``GB2312``, ``PM2.5``) stay as they are, in three fonts and two sizes."""
    small_forms = set(SMALL["sup"] + SMALL["sub"])
    expected = found = 0
    for path, size, runs, reading in typeset_and_read(
            CJK_FONTS, SCRIPTED, missing="needs two of the CJK fonts fonts-noto-cjk and fonts-wqy-zenhei install"):
        if all(form == "n" for _, form in runs):
            assert not small_forms & set(reading.text), (path, size, reading.text)
            continue
        for text, form in runs:
            if form != "n":
                expected += 1
                found += (SMALL[form][int(text)] in reading.text)
    assert found >= 0.75 * expected, (found, expected)


@needs_ppocr
def test_ppocr_reads_the_triple_bar_and_keeps_plain_marks_plain() -> None:
    """``≡`` is not in PP-OCR's dictionary: ``-C≡N`` came out ``-C=N``. Its three bars in the crop make
    it ``≡`` again (``forms.stacked_marks``); an ``=``, ``<`` or ``>`` of its own stays as printed, and
    ``≤``/``≥`` come out as printed, in three fonts and two sizes."""
    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if len(fonts) < 2:
        pytest.skip("needs two of the CJK fonts fonts-noto-cjk and fonts-wqy-zenhei install")
    lines = {"产物含 -COOH 与 -C≡N 基团，反应完全": "≡", "溶解氧 ≥ 5.9 mg/L，氨氮 ≤ 0.44 mg/L。": "≥≤",
             "取 μ = 0.59，若 a < b 且 x > 1 则成立": "=<>"}
    for path in fonts:
        for size in (30, 44):
            readings = PpOcrEngine().read_lines([typeset(path, size, [(text, "n")]) for text in lines])
            for marks, reading in zip(lines.values(), readings):
                assert [c for c in reading.text if c in "=<>≡≤≥"] == list(marks), (path, size, reading.text)


#: Fonts that draw ``＜ ＞`` as large as a Han character and ``< >`` half as large; AR PL Mingti's ``＜`` is no larger
#: than a bold or TeX ``<``, and WenQuanYi draws both alike: there every angle stays as read.
WIDE_ANGLE_FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"]
AS_READ_FONTS = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc"]
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def typeset_mixed(size: int, runs: list[tuple[str, str, float]]) -> np.ndarray:
    """Runs of (text, font file, size factor) on one line, cropped as ``tight``: Latin set in a font of its own."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (60 * size, 3 * size), 255)
    draw, x = ImageDraw.Draw(image), float(size)
    for text, path, factor in runs:
        font = ImageFont.truetype(path, int(round(size * factor)))
        draw.text((x, 2 * size), text, font=font, fill=0, anchor="ls")
        x += font.getlength(text)
    return tight(np.asarray(image)[:, :int(x) + size])


@needs_ppocr
def test_angles_on_a_short_row_are_measured_by_one_pair_of_han() -> None:
    """A card's row holds two Han characters (``噪声 ＜ 46 dB(A)``): their height alone is the measure of the
    angle's size; the full-width angle comes out full-width, the ASCII one in the same row ASCII."""
    fonts = [path for path in WIDE_ANGLE_FONTS if Path(path).is_file()]
    if not fonts:
        pytest.skip("needs the CJK fonts fonts-noto-cjk installs")
    rows = {"噪声 ＜ 46 dB(A)": "＜", "噪声 ＞ 62 dB(A)": "＞", "噪声 < 46 dB(A)": "<", "水温 > 25 ℃": ">"}
    for path in fonts:
        for size in (30, 44):
            readings = PpOcrEngine().read_lines([typeset(path, size, [(text, "n")]) for text in rows])
            assert [[c for c in r.text if c in "<>＜＞"] for r in readings] == [[m] for m in rows.values()], \
                (path, size, [r.text for r in readings])


@needs_ppocr
def test_full_width_angles_are_told_from_ascii_ones_by_their_size() -> None:
    """PP-OCR reads ``μ ＜ 1.38`` as ``μ<1.38``. Where the face draws ``＜`` as large as a Han character, the
    size and shape of its ink say which (``forms.wide_angles``); ``<`` and ``>`` in the same fonts stay ASCII,
    and so do bold Latin angles in a Chinese line, and every angle in WenQuanYi and AR PL Mingti."""
    fonts = [path for path in WIDE_ANGLE_FONTS if Path(path).is_file()]
    if len(fonts) < 2:
        pytest.skip("needs the CJK fonts fonts-noto-cjk installs")
    wide, narrow = "取 μ ＜ 1.38，噪声 ＞ 62 dB(A) 的说明", "取 μ = 0.59，若 a < b 且 x > 1 则成立"
    for path in fonts:
        for size in (30, 44):
            readings = PpOcrEngine().read_lines([typeset(path, size, [(text, "n")]) for text in (wide, narrow)])
            assert [[c for c in r.text if c in "<>＜＞"] for r in readings] == [["＜", "＞"], ["<", ">"]], \
                (path, size, [r.text for r in readings])
    images = [typeset(path, 30, [(text, "n")]) for path in AS_READ_FONTS if Path(path).is_file()
              for text in (wide, narrow)]
    if Path(DEJAVU_BOLD).is_file():
        for size in (24, 32):
            images.append(typeset_mixed(size, [("当参数", fonts[0], 1.0), (" x < 5 ", DEJAVU_BOLD, 1.0),
                                               ("时函数值", fonts[0], 1.0), (" f(x) > 0 ", DEJAVU_BOLD, 1.15),
                                               ("成立的条件", fonts[0], 1.0)]))
    for reading in PpOcrEngine().read_lines(images):
        assert not set("＜＞") & set(reading.text), reading.text


@needs_ppocr
def test_raised_digits_in_a_line_without_han_are_told_by_its_letters() -> None:
    """An English line (``over 6,442 km²``) has no Han to measure against: its letters' ink is the line's extent
    (``forms.latin_band``: capitals and ascenders, the baseline). In three fonts and two sizes, of the raised
    digits the recognizer read after their letters (``km2``, ``m3``), most come out raised; digits of normal
    size after letters (``MP3``, ``IPv6``, ``A4``, ``CO2``) stay as they are, and so do a lowered one (``CO2``: an
    old-style figure stands as low, and such a line has nothing larger to tell them by) and old-style figures
    (``B2B`` among descending ``3457``)."""
    small_forms = set(SMALL["sup"] + SMALL["sub"])
    read = found = 0
    for path, size, runs, reading in typeset_and_read(LATIN_FONTS, ENGLISH_SCRIPTED, missing=(
            "needs two of DejaVu Sans, DejaVu Serif (fonts-dejavu-core) and Noto Sans CJK (fonts-noto-cjk)")):
        if all(form != "sup" for _, form in runs):
            assert not small_forms & set(reading.text), (path, size, reading.text)
            continue
        for (before, _), (digit, form) in zip(runs, runs[1:]):
            if form == "sup":
                small = before[-2:] + SMALL[form][int(digit)]
                found += small in reading.text
                read += small in reading.text or before[-2:] + digit in reading.text
    assert read >= 16 and found >= 0.9 * read, (found, read)


@needs_ppocr
def test_a_raised_three_is_not_read_as_the_raised_two_of_the_dictionary() -> None:
    """PP-OCR's dictionary holds ``²`` but not ``³``: ``25 m³`` came out ``25 m²`` in Noto Serif CJK. The
    raised digit read again from its own ink, at the line's size, says which (``raised_digit_crops``)."""
    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if len(fonts) < 2:
        pytest.skip("needs two of the CJK fonts fonts-noto-cjk and fonts-wqy-zenhei install")
    runs = [("体积为 25 m", "n"), ("3", "sup"), (" 的水池和 40 m", "n"), ("2", "sup"), (" 的草地", "n")]
    for path in fonts:
        for size in (30, 44):
            [reading] = PpOcrEngine().read_lines([typeset(path, size, runs)])
            assert "m³" in reading.text and "m²" in reading.text, (path, size, reading.text)


@needs_ppocr
def test_a_raised_digit_broken_in_pieces_is_read_again_from_all_of_them() -> None:
    """On scans a thin face's raised ``³`` breaks into three or four pieces of ink (AR PL UMing at 300 dpi,
    WenQuanYi on the degraded pages: ``μg/m²`` for ``μg/m³``), and a neighbour's stroke may reach into its
    window. Here the digit is cut twice across (as a scan breaks its thin strokes) and read ``²`` as PP-OCR
    reads a ``³``: the crop of its pieces, one glyph (``forms.one_glyph``), is read again as ``3``; a broken
    ``²`` stays ``²``."""
    from PIL import ImageFont

    from tests.test_primes import _recognized

    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if not fonts:
        pytest.skip("needs fonts-noto-cjk or fonts-wqy-zenhei")
    for path in fonts:
        for size in (30, 44):
            for digit, raised in (("3", "³"), ("2", "²")):
                runs = [("体积为 25 m", "n"), (digit, "sup"), (" 的水池和草地", "n")]
                image = typeset(path, size, runs).copy()
                x0 = 15 + ImageFont.truetype(path, size).getlength(runs[0][0])
                columns_of_digit = slice(int(x0), int(np.ceil(x0 + ImageFont.truetype(path, int(size * 0.6))
                                                               .getlength(digit))))
                rows = np.flatnonzero((image[:, columns_of_digit] < 128).any(axis=1))
                top, height = int(rows[0]), int(rows[-1] - rows[0] + 1)
                for cut in (top + height // 3, top + 2 * height // 3):
                    image[cut, columns_of_digit] = 255
                read, columns, _probs, cell = _recognized(image)
                at = read.index("m") + 1
                misread = read[:at] + "²" + read[at + 1:]
                fixed = PpOcrEngine()._raised_digits(misread, columns, cell, image)
                assert fixed[at] == raised, (path, size, digit, read, fixed)


#: Codes printed full-width, and ASCII the pitch test must leave alone: codes, units, formulas, and
#: capitals as wide as an em (``W``, ``M`` in a serif face).
FULL_WIDTH_LINES = ["样品编号 ＲＴＧ８０３，批次 ＣＳＣ０１３，合格", "检测报告 ＫＳＨ１７０ 号的说明文字",
                    "项目批次 ＡＢＮ２２９ 已经完成验收工作"]
ASCII_LINES = ["样品编号 RTG803，批次 CSC013，合格", "支持 IPv6 地址和 MP3 文件的播放",
               "版本 Python3 和 GB2312 编码的文件", "世界自然基金会 WWF 和 WWW 网站",
               "按照 ISO 9001 标准和 GB/T 19001 执行", "MWM 公司和 HMW 集团的合作项目",
               "型号 WW2 与 M16 两种设备的对比说明", "二氧化碳 CO2 排放量同比下降",
               "执行 GB/T 19001-2016 和 PM2.5 监测标准", "坐标为 X 1 Y 2 Z 3 的点在图中"]
#: A quantity a space after a full-width code: no part of it.
QUANTITY = "采购设备 ＡＢＣ１２３ 12台已到货"


def tight(image: np.ndarray) -> np.ndarray:
    """A typeset line cropped as the repair crops a line: a tenth of its height above and below."""
    rows = np.flatnonzero((image < 128).any(axis=1))
    pad = max(1, (rows[-1] - rows[0]) // 10)
    return image[max(0, rows[0] - pad):rows[-1] + pad + 1]


#: A table's rows: cells set far apart (``gaps``); read whole, the recognizer made characters of the blank between.
TABLE_ROWS = [["人口", "4,539,833", "人"], ["国土面积", "19,001", "平方公里"], ["年降水量", "729", "mm"],
              ["森林覆盖率", "51.58", "%"]]


def table_row(path: str, size: int, cells: list[str], gap: float) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """``cells`` set ``gap`` ems apart on one line, cropped as ``tight``; and each cell's columns."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(path, size)
    image = Image.new("L", (80 * size, 3 * size), 255)
    draw, x, spans = ImageDraw.Draw(image), float(size) * 0.4, []
    for text in cells:
        draw.text((x, 2 * size), text, font=font, fill=0, anchor="ls")
        spans.append((x, x + font.getlength(text)))
        x += font.getlength(text) + gap * size
    return tight(np.asarray(image)[:, :int(x - gap * size + size * 0.4)]), spans


@needs_ppocr
def test_nothing_is_read_from_the_blank_between_a_table_rows_cells() -> None:
    """``人口 [blank] 4,539,833 [blank] 人``: the recognizer read the blank between a table row's cells as
    characters (``人口個4,539,833個人``) and put no space there. The row comes out as its cells, a space
    apart, and each cell's word lies over its own ink, in three fonts and two sizes. (What the recognizer
    makes up after the last cell, in the crop's margin, is left alone, as a line-end ``。`` peaks off its ink
    alike; so is ``19,00１``, a slip of ``forms.full_width_codes``.)"""
    import unicodedata

    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if len(fonts) < 2:
        pytest.skip("needs two of the CJK fonts fonts-noto-cjk and fonts-wqy-zenhei install")
    wrong = []
    for path in fonts:
        for size in (30, 44):
            rows = [table_row(path, size, cells, gap=6.0) for cells in TABLE_ROWS]
            readings = PpOcrEngine().read_lines([image for image, _spans in rows])
            for cells, (_image, spans), reading in zip(TABLE_ROWS, rows, readings):
                expected = " ".join(cells)
                if not unicodedata.normalize("NFKC", reading.text).startswith(expected):
                    wrong.append((path, size, reading.text))
                    continue
                for word, (x0, x1) in zip(reading.words, spans):  # each cell's word over the cell's own ink
                    assert word.bbox.x0 < (x0 + x1) / 2 < word.bbox.x1, (path, size, word, (x0, x1))
    assert not wrong, wrong


@needs_ppocr
def test_ppocr_writes_codes_printed_full_width_in_their_forms_and_leaves_ascii_alone() -> None:
    """``ＲＴＧ８０３`` is mostly read ``RTG803``; its characters standing an em apart say it is full-width
    (``forms.full_width_codes``). ASCII codes, numbers and capitals, even an em wide, stay ASCII."""
    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if len(fonts) < 2:
        pytest.skip("needs two of the CJK fonts fonts-noto-cjk and fonts-wqy-zenhei install")
    right = total = 0
    for path in fonts:
        for size in (30, 44):
            lines = FULL_WIDTH_LINES + ASCII_LINES + [QUANTITY]
            readings = PpOcrEngine().read_lines([tight(typeset(path, size, [(text, "n")])) for text in lines])
            for text, reading in zip(lines, readings):
                if text in ASCII_LINES:  # the recognizer itself reads a lone Ｚ now and then; a code, never
                    assert not regex.search(r"[０-９Ａ-Ｚ]{3}", reading.text), (path, size, reading.text)
                    continue
                if text == QUANTITY:
                    assert "12台" in reading.text, (path, size, reading.text)
                for code in regex.findall(r"[０-９Ａ-Ｚ]+", text):
                    total += 1
                    right += code in reading.text
    assert right >= 0.6 * total, (right, total)


@needs_ppocr
def test_ppocr_runs_one_thread_per_session_and_says_what_it_is() -> None:
    engine = PpOcrEngine()
    assert session_threads() == {"rec": (1, 1), "det": (1, 1)}
    identity = engine.identity()
    folder = Path(__import__("rapidocr_onnxruntime").__file__).parent / "models"
    rec = identity["models"]["rec"]  # type: ignore[index]
    assert rec["sha256"] == hashlib.sha256((folder / rec["file"]).read_bytes()).hexdigest()
    assert identity["version"] == "1.4.4" and identity["threads"] == 1
    assert "PP-OCRv4" in engine.check()
    tesseract = TesseractEngine(OcrSettings()).identity()
    assert set(tesseract["tessdata"]) == {"chi_sim", "eng"}  # type: ignore[arg-type]
    assert [e.name for e in engines_for("auto", OcrSettings())] == ["tesseract", "ppocr"]
    assert [e.name for e in engines_for("tesseract", OcrSettings())] == ["tesseract"]
    assert resolve_engine("auto") == "auto" and ENGINE_CHOICES[0] == "auto"


def line_of(text: str, conf: float, engine: str) -> Line:
    words = tuple(Word(w, BBox(10 * k, 0, 10 * k + 8, 10), conf) for k, w in enumerate(text.split()))
    return Line(text, BBox(0, 0, 100, 10), words, conf, engine=engine)


@pytest.mark.parametrize(("tess", "pp", "engine", "reason"), [
    (("安顺市冀牧业发展", 92.0), ("安顺市畜牧业发展", 99.5), "ppocr", "han:"),
    (("SAMRBRMNEARPARSTSE", 85.0), ("生态环境管控", 97.0), "ppocr", "garbled: Tesseract's reading is garbled"),
    (("生态环境管控", 90.0), ("", 0.0), "tesseract", "only: Tesseract alone read it"),
    (("Last update: 23 December 2025", 95.0), ("Lastupdate:23December2025", 99.0), "ppocr", "agree:"),
    (("安顺市畜牧业发展", 95.0), ("安顺市亩牧业发", 62.0), "tesseract", "han: PP-OCR unsure, Tesseract sure"),
    # one misread symbol in a sure PP-OCR's line with Han (the detector: "stray symbol") against Tesseract's
    # clean-looking but worse reading: PP-OCR's stands; not where Tesseract is the surer, nor on an English line
    (("使用头标 (\"G) 和和八进制反斜杠标记", 80.9), ("使用头标(~G)和八进制反斜杠标记", 98.3), "ppocr", "marks:"),
    (("使用头标 (\"G) 和和八进制反斜杠标记", 99.0), ("使用头标(~G)和八进制反斜杠标记", 98.3), "tesseract", "garbled:"),
    (("Section 9.3.7: COz emissions fell by 3.5%", 89.4), ("Section 9.3.7:COemissions fell by3.5%", 94.0),
     "tesseract", "garbled:"),
    (("CO2 emissions fell in 2019-2020", 89.4), ("CO~ emissions fell in 2019一2020", 94.0), "tesseract", "garbled:"),
])
def test_the_reading_kept_per_line_and_its_reason(tess: tuple[str, float], pp: tuple[str, float], engine: str,
                                                  reason: str) -> None:
    kept = choose(line_of(tess[0], tess[1], "tesseract"), line_of(pp[0], pp[1], "ppocr"))
    assert kept.engine == engine and kept.choice.startswith(reason), kept.choice
    other = pp if engine == "tesseract" else tess
    if other[0] and "".join(c for c in other[0] if c.isalnum()) != "".join(c for c in kept.text if c.isalnum()):
        assert [(r.engine, r.text) for r in kept.alternatives][0][1] == other[0]  # both readings kept
    if reason == "agree:":
        assert kept.text == "Last update: 23 December 2025"  # PP-OCR's characters, Tesseract's word spaces


def test_the_engine_fields_survive_the_cache() -> None:
    from dataclasses import replace

    from cwn_ocr.model import Reading

    line = replace(line_of("安顺市畜牧业", 99.0, "ppocr"), choice="han: PP-OCR (99) over Tesseract (92)",
                   alternatives=(Reading("tesseract", "安顺市冀牧业", 92.0),))
    page = PageOcr((line,), 300.0, False, 0, 0, 1.0)
    again = page_from_dict(json.loads(json.dumps(page_to_dict(page))))
    assert again.lines[0].engine == "ppocr" and again.lines[0].choice == line.choice
    assert again.lines[0].alternatives == line.alternatives


def fake_tesseract_crashing_on_psm7(tmp_path: Path) -> str:
    """A PATH whose tesseract dies of SIGFPE when asked for --psm 7 (Debian's 5.3.0 does, on some
    crops), and is the real one otherwise."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    real = shutil.which("tesseract")
    script = bin_dir / "tesseract"
    script.write_text(f'#!/bin/sh\ncase " $* " in *" --psm 7 "*) kill -FPE $$;; esac\nexec {real} "$@"\n')
    script.chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}"


def test_a_tesseract_crash_on_a_crop_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               page_lines: tuple[np.ndarray, list[Line]]) -> None:
    from cwn_ocr.ocr.page import reread

    image, lines = page_lines
    han, english = han_and_english(lines)
    monkeypatch.setenv("PATH", fake_tesseract_crashing_on_psm7(tmp_path))
    readings = TesseractEngine(OcrSettings()).read_lines([crop_of(image, english), crop_of(image, han)])
    assert cer(readings[0].text, english.text) < 0.05 and cer(readings[1].text, han.text) < 0.1
    assert all("--psm 7 failed" in r.choice and "crashed: signal 8" in r.choice for r in readings)
    # the repair's own re-reading of a garbled line: the psm 7 readings are lost, the others count
    box = han.bbox.scaled(300 / 72)
    garbled = Line.from_words([Word("SAMRBRMNEARPARSTSE", box, 40.0)])
    better = reread(image, garbled, OcrSettings())
    assert cer(better.text, han.text) < 0.1 and "--psm 7" in better.choice


def test_a_re_reading_brings_no_han_into_a_line_pp_ocr_read_surely_without_any() -> None:
    """Tesseract's Chinese model reads mathematical symbols as Han (``−`` as ``一``; pdfminer's issue-1061:
    ``A : E →`` as ``4 : 媚作``), and the detector, flagging the symbols and not the Han, preferred that
    reading: a line PP-OCR read surely with no Han has none, and a re-reading less sure than PP-OCR's does not
    stand for it."""
    from PIL import Image, ImageDraw, ImageFont

    from cwn_ocr.ocr.page import reread

    serif = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not serif.is_file():
        pytest.skip(f"{serif} is absent (Debian's fonts-dejavu-core)")
    printed = "∀ε ∃δ : |x − y| < δ ⇒ |f(x) − f(y)| < ε"
    picture = Image.new("L", (1400, 100), 255)
    ImageDraw.Draw(picture).text((30, 30), printed, font=ImageFont.truetype(str(serif), 24), fill=0)
    image = np.array(picture)
    ys, xs = np.where(image < 128)
    box = BBox(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    read = "∀e ∃d : |x − y| < d ⇒ |f(x) − f(y)| < e"  # PP-OCR's way: Greek letters it cannot write
    line = Line(read, box, (Word(read, box, 95.0),), 95.0, engine="ppocr")
    assert reread(image, line, OcrSettings()) is line  # (Tesseract's readings: `… fx) 一 fy)…`, `Ve 46 : …` at 74)


@needs_ppocr
@pytest.mark.slow
def test_auto_reads_a_garbled_page_with_both_and_says_why_per_line(tmp_path: Path) -> None:
    from cwn_ocr import repair_pdf

    pdf = SAMPLES / "mixed_pages.pdf"  # page 2: a scan under an English-only OCR layer
    auto = repair_pdf(pdf, jobs=2, verify="off", engine="auto", cache_dir=tmp_path)
    tess = repair_pdf(pdf, jobs=2, verify="off", engine="tesseract", cache_dir=tmp_path)
    assert auto.pages[1].rasterized and not tess.pages[1].cached  # another engine is another cache key
    truth = "\f".join(truth_pages("mixed_pages"))
    assert cer(auto.text, truth) <= cer(tess.text, truth)
    assert auto.settings["engine"] == "auto" and tess.settings["engine"] == "tesseract"
    models = auto.settings["engines"]["ppocr"]["models"]  # type: ignore[index]
    assert len(models["rec"]["sha256"]) == 64
    # the JSON report keeps every engine's reading of each OCR line, the kept one first with its reason
    from cwn_ocr.report.jsonreport import report_dict

    lines = [line for page in report_dict(auto)["pages"] for line in page["lines"] if line.get("engines")]
    assert lines and all(line["engines"][0]["kept"] and line["engines"][0]["why"] for line in lines)
    assert all(line["source"] in ("ocr", "merged", "unrepaired", "layer") for line in lines)
    assert {e["engine"] for line in lines for e in line["engines"]} == {"tesseract", "ppocr"}
    from cwn_ocr.ocr.page import ocr_page

    pdf = SAMPLES / "no_tounicode.pdf"
    page = ocr_page(pdf, 1, 595.28, 841.89, dpi=300, settings=OcrSettings(), engine="auto")
    assert {line.engine for line in page.lines} <= {"tesseract", "ppocr"}
    assert all(line.choice for line in page.lines)
    assert any(line.engine == "ppocr" for line in page.lines)


def test_without_ppocr_a_repair_reads_with_tesseract_alone(tmp_path: Path) -> None:
    """rapidocr_onnxruntime made unimportable (None in sys.modules): doctor says so and passes,
    --engine auto is Tesseract alone, --engine ppocr is a clear missing-dependency error."""
    block = "import sys\nsys.modules['rapidocr_onnxruntime'] = None\nfrom cwn_ocr.cli import main\n"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        code = block + f"raise SystemExit(main({list(args)!r}))"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                              env=dict(os.environ, COLUMNS="200"))

    doctor = run("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    shown = doctor.stdout + doctor.stderr
    assert "missing OCR engine ppocr" in shown and "Tesseract alone" in shown
    out = tmp_path / "out"
    done = run("repair", "-q", "--no-cache", "--verify", "off", "--out", str(out), str(SAMPLES / "mixed_pages.pdf"))
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "mixed_pages.json").read_text("utf-8"))
    assert report["pages"][1]["action"] == "ocr"
    assert report["settings"]["engine"] == "tesseract" and list(report["settings"]["engines"]) == ["tesseract"]
    refused = run("repair", "-q", "--no-cache", "--engine", "ppocr", "--out", str(tmp_path / "o2"),
                  str(SAMPLES / "no_tounicode.pdf"))
    assert refused.returncode == 3 and "rapidocr-onnxruntime" in refused.stderr and "Traceback" not in refused.stderr


@needs_ppocr
def test_a_box_over_two_printed_lines_gives_each_line() -> None:
    """On a skewed or noisy scan Tesseract may put a short last line of a paragraph into the box of
    the line above; PP-OCR's recognizer reads one line of a crop, so the short one was lost. Its
    detector inside the tall box finds both, and each comes out as a line of its own, once (a line
    that another box holds stays that box's; a box whose words the rows do not all hold stays whole)."""
    from dataclasses import replace

    from PIL import Image, ImageDraw, ImageFont

    from cwn_ocr.ocr.page import second_engine

    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if not fonts:
        pytest.skip("no CJK font installed")
    texts = ["全市空气质量优良率常年稳定", "是数据库超级用户或者是数据库所有", "者。", "丛管理办法第三十二号",
             "监测站记录空气质量浓度"]
    font = ImageFont.truetype(fonts[0], 44)
    image = Image.new("L", (1200, 80 + 70 * len(texts)), 255)
    draw = ImageDraw.Draw(image)
    boxes = []
    for i, text in enumerate(texts):
        draw.text((40, 40 + 70 * i), text, font=font, fill=0)
        x0, y0, x1, y1 = draw.textbbox((40, 40 + 70 * i), text, font=font)
        boxes.append(BBox(x0, y0, x1, y1))
    page = np.asarray(image)

    def tesseract_line(text: str, box: BBox) -> Line:  # what Tesseract gives: one word, unsure
        return replace(Line.from_words([Word(text, box, 60.0)]), engine="tesseract")

    # Tesseract's box runs over both lines, its words only over the first (it did not see the second)
    merged = replace(tesseract_line(texts[1], boxes[1]), bbox=boxes[1].union(boxes[2]))
    lines = [tesseract_line(texts[0], boxes[0]), merged,
             tesseract_line(texts[3], boxes[3]), tesseract_line(texts[4], boxes[4])]
    read = [line.text.replace(" ", "") for line in second_engine(page, lines)]
    assert read == texts, read


@needs_ppocr
def test_a_short_line_tesseract_is_sure_of_is_read_by_both_engines() -> None:
    """A page footer (``第 2 页``) is as short as a stamp's confident noise: Tesseract's reading alone, however
    sure, does not settle it, PP-OCR reads it too, and read alike it is corroborated (the merge adds such a
    line where the layer lacks it); a long line Tesseract is sure of is not read again."""
    from dataclasses import replace

    from PIL import Image, ImageDraw, ImageFont

    from cwn_ocr.ocr.engines import corroborated
    from cwn_ocr.ocr.page import second_engine

    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if not fonts:
        pytest.skip("no CJK font installed")
    texts = ["全市空气质量优良率常年稳定在百分之九十以上", "第 2 页"]
    font = ImageFont.truetype(fonts[0], 44)
    image = Image.new("L", (1400, 240), 255)
    draw = ImageDraw.Draw(image)
    lines = []
    for i, text in enumerate(texts):
        draw.text((40, 40 + 100 * i), text, font=font, fill=0)
        box = BBox(*draw.textbbox((40, 40 + 100 * i), text, font=font))
        lines.append(replace(Line.from_words([Word(text, box, 96.0)]), engine="tesseract"))
    long, footer = second_engine(np.asarray(image), lines)
    assert long.choice.startswith("sure: Tesseract") and not corroborated(long)
    assert footer.choice.startswith("agree") and corroborated(footer), footer.choice


@needs_ppocr
def test_on_a_page_voted_on_ppocr_reads_the_lines_tesseract_is_sure_of() -> None:
    """A previous OCR layer is voted on piece by piece, and one of its words gives way to a reading only when
    two different engines read the same there (``merge.vote``, rule 5): a line Tesseract alone read, however
    surely, left the layer's misreadings standing (the stress corpus's noisy Chinese layers: ``送度新建`` kept
    beside Tesseract's 96 % ``适度新建``). There (``every``) PP-OCR reads each line, and a line both read alike
    is corroborated."""
    from dataclasses import replace

    from PIL import Image, ImageDraw, ImageFont

    from cwn_ocr.ocr.engines import corroborated
    from cwn_ocr.ocr.page import second_engine

    fonts = [path for path in CJK_FONTS if Path(path).is_file()]
    if not fonts:
        pytest.skip("no CJK font installed")
    text = "全市空气质量优良率常年稳定在百分之九十以上"
    font = ImageFont.truetype(fonts[0], 44)
    image = Image.new("L", (1400, 140), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), text, font=font, fill=0)
    line = replace(Line.from_words([Word(text, BBox(*draw.textbbox((40, 40), text, font=font)), 96.0)]),
                   engine="tesseract")
    (alone,) = second_engine(np.asarray(image), [line])
    (both,) = second_engine(np.asarray(image), [line], every=True)
    assert alone.choice.startswith("sure: Tesseract") and not corroborated(alone)
    assert both.choice.startswith("agree") and corroborated(both), both.choice
    assert both.text.replace(" ", "") == text
    # where the two read otherwise Tesseract's sure reading stands, PP-OCR's beside it: PP-OCR alone must not
    # win a piece of a right layer on word frequencies (``settled_beside``)
    (kept,) = second_engine(np.asarray(image), [replace(line, text=text.replace("稳定", "隐定"))], every=True)
    assert kept.engine == "tesseract" and "隐定" in kept.text, kept.choice
    assert kept.choice.endswith("PP-OCR read it otherwise")
    assert [(r.engine, r.text.replace(" ", "")) for r in kept.alternatives] == [("ppocr", text)]


@needs_ppocr
@pytest.mark.parametrize("mark", [",", "，"], ids=["ascii", "full-width"])
def test_a_line_tesseract_is_sure_of_has_its_marks_form_from_the_image(mark: str) -> None:
    """Tesseract reads ``,`` and ``，`` alike, and the text's look would make a comma between Han full-width
    (Chinese man pages print ASCII ones): a line Tesseract is sure of that holds such a mark is read by PP-OCR
    too, which measures the room each mark takes (``widths.mark_widths``), and Tesseract's reading is kept with
    the form PP-OCR's has; nothing else of PP-OCR's reading is taken."""
    from dataclasses import replace

    from PIL import Image, ImageDraw, ImageFont

    from cwn_ocr.ocr.page import second_engine

    font_path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # proportional ASCII marks
    if not Path(font_path).is_file():
        pytest.skip("Noto Sans CJK is not installed")
    printed = f"此项控制建立新的文件时取名是否使用大小写{mark}还是强制使用默认的方式"
    font = ImageFont.truetype(font_path, 44)
    image = Image.new("L", (1500, 140), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), printed, font=font, fill=0)
    read = printed.replace(",", "，")  # Tesseract's reading: one form for both, the mark a word of its own
    at = read.index("，")
    x0, y0, x1, y1 = draw.textbbox((40, 40), printed, font=font)
    step = (x1 - x0) / len(read)
    words = [Word(text, BBox(x0 + step * start, y0, x0 + step * end, y1), 96.0)
             for text, start, end in ((read[:at], 0, at), ("，", at, at + 1), (read[at + 1:], at + 1, len(read)))]
    line = replace(Line.from_words(words), engine="tesseract")
    (kept,) = second_engine(np.asarray(image), [line])
    assert kept.choice.startswith("widths:") and kept.engine == "tesseract", kept.choice
    assert kept.text.replace(" ", "") == printed and not kept.alternatives
    if mark == ",":  # an ASCII mark takes the spacing PP-OCR reads beside it (a full-width one loses it later)
        assert "大小写,还是" in kept.text, kept.text
    # where PP-OCR reads other letters (here: Tesseract's misreading), Tesseract's sure reading stands as it is
    (other,) = second_engine(np.asarray(image), [replace(line, text=read.replace("控制", "空制"))])
    assert other.engine == "tesseract" and other.text == read.replace("控制", "空制"), other.choice
    assert other.choice.endswith("PP-OCR read other letters") and not other.alternatives


@needs_ppocr
@pytest.mark.slow
def test_a_page_read_for_voting_has_every_line_read_by_both_engines() -> None:
    from cwn_ocr.ocr.page import ocr_page

    pdf = SAMPLES / "scan_eng_layer.pdf"
    plain = ocr_page(pdf, 1, 595.44, 842.04, dpi=300, settings=OcrSettings(), engine="auto")
    voted = ocr_page(pdf, 1, 595.44, 842.04, dpi=300, settings=OcrSettings(), engine="auto", second_reading=True)
    assert any("PP-OCR not asked" in line.choice for line in plain.lines)  # Tesseract settles some lines alone
    assert voted.second and not any("PP-OCR not asked" in line.choice for line in voted.lines)


@pytest.mark.tesseract
def test_a_footer_alone_on_grey_paper_is_read_by_tesseract_once_its_crop_is_binarized() -> None:
    """Seed 1's degraded_06: the footer ``- 1 -`` on grey, grained paper, which PP-OCR reads at 99.6, Tesseract read
    as ``区`` on the page and as ``2``/``feats`` from its crop: its own threshold over a crop that is mostly paper
    makes the grain ink. With no second engine reading it alike, the footer was left out (``decide_orphan``).
    Binarized over the crop alone (``page.witnessed``), Tesseract reads it, and the footer is read surely."""
    import cv2

    from cwn_ocr.model import Reading
    from cwn_ocr.ocr.engines import surely_read
    from cwn_ocr.ocr.page import wants_witness, witnessed
    from cwn_ocr.ocr.tesseract import read_lines

    rng = np.random.default_rng(3)
    paper = cv2.GaussianBlur(np.full((300, 1200), 222.0) + rng.normal(0, 7, (300, 1200)), (3, 3), 0)
    page = np.clip(paper, 0, 255).astype(np.uint8)
    cv2.putText(page, "- 1 -", (540, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 30, 3, cv2.LINE_AA)
    ys, xs = np.nonzero(page < 100)
    box = BBox(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    margin = box.height / 2
    crop = np.full((int(box.height * 1.6) + 24, int(box.width + box.height) + 24), 255, np.uint8)
    grey = page[int(box.y0 - margin * 0.6):int(box.y1 + margin * 0.6), int(box.x0 - margin):int(box.x1 + margin)]
    crop[12:12 + grey.shape[0], 12:12 + grey.shape[1]] = grey
    assert not any("1" in line.text for line in read_lines(crop, OcrSettings(), psm=7))  # as it is: not read
    footer = Line("-1-", box, confidence=99.6, engine="ppocr", alternatives=(Reading("tesseract", "区", 1.0),))
    assert wants_witness(footer) and not surely_read(footer)
    read = witnessed(page, footer, OcrSettings())
    assert [(r.engine, r.text) for r in read.alternatives] == [("tesseract", "-1-")]
    assert surely_read(read) and "binarized" in read.choice
