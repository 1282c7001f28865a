"""Greek letters PP-OCR's dictionary lacks, read from their ink by templates (``ocr/engines/glyphs.py``):
the recognizer reads nothing where ``γ``, ``σ`` stand; the line comes out with them, and a line whose
letters the recognizer knows (``y``, ``v``, ``8``) or that has no such ink stays as read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cwn_ocr.ocr.engines import glyphs
from cwn_ocr.ocr.engines.ppocr import PpOcrEngine
from tests.test_engines import tight

needs_ppocr = pytest.mark.skipif(not PpOcrEngine.available(), reason="PP-OCR is not installed: run `make setup`")

NOTO = [("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)]
GREEK_LINE = "监测站记录：取 γ = 0.72，σ ＜ 3.93，γ 射线剂量率 ≤ 0.23 μSv/h。"


def typeset(path: str, index: int, size: int, text: str) -> np.ndarray:
    """``text`` drawn on one line in the face, cropped as the repair crops a line (``tight``)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(path, size, index=index)
    image = Image.new("L", (int(font.getlength(text)) + size, 3 * size), 255)
    ImageDraw.Draw(image).text((size // 2, 2 * size), text, font=font, fill=0, anchor="ls")
    return tight(np.asarray(image))


def installed(faces: list[tuple[str, int]]) -> list[tuple[str, int]]:
    found = [(path, index) for path, index in faces if Path(path).is_file()]
    if not found:
        pytest.skip("Noto CJK is not installed: run `make setup`")
    return found


@needs_ppocr
@pytest.mark.parametrize("size", [30, 42])
def test_greek_letters_the_recognizer_cannot_read_come_from_their_ink(size: int) -> None:
    """In Noto Sans and Serif CJK, at two sizes: the recognizer alone reads ``取=0.72，σ<3.93，射线`` (no ``γ``
    in its dictionary, ``σ`` neither); the engine's reading has both ``γ`` and the ``σ``."""
    engine = PpOcrEngine()
    for path, index in installed(NOTO):
        line = engine.read_lines([typeset(path, index, size, GREEK_LINE)])[0]
        text = line.text
        assert text.count("γ") == 2 and "σ" in text, (path, size, text)
        assert text.replace(" ", "").startswith("监测站记录：取γ=0.72，σ"), text
        # the reviewer is told which characters no recognizer read, and what put them there
        assert "not as PP-OCR's recognizer read it: " in line.choice and "+‹γ› ×2" in line.choice, line.choice
        assert "(the ink: a Greek letter's shape)" in line.choice, line.choice


@needs_ppocr
def test_a_face_not_among_the_templates_still_tells_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The line set in Noto Serif CJK, the templates drawn in Noto Sans CJK and DejaVu only (a document's
    font is seldom installed): ``γ`` still comes out, and nothing else is put in."""
    serif, sans = installed(NOTO[1:]), installed(NOTO[:1])
    dejavu = [face for face in [("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0)] if Path(face[0]).is_file()]
    engine = PpOcrEngine()
    crop = typeset(*serif[0], 36, GREEK_LINE)
    monkeypatch.setattr(glyphs, "template_faces", lambda: tuple(sans + dejavu))
    text = engine.read_lines([crop])[0].text
    assert text.count("γ") == 2, text
    assert not set(text) & (set(glyphs.UNREADABLE) - set("γσ")), text


@needs_ppocr
@pytest.mark.parametrize("line", ["取 y = 0.72，v 射线剂量率 8 ≤ 0.23 μSv/h，误差 ±3.5%。",
                                  "人口    4,539,833    人，国土面积    19,001    平方公里",
                                  "安顺市通过创建国家园林城市，生态环境持续改善。"])
def test_lines_without_such_letters_stay_as_read(line: str) -> None:
    """Latin letters and digits the recognizer reads (``y``, ``v``, ``8``), a table row's far-apart cells and
    a plain Han line: no Greek letter is put in."""
    engine = PpOcrEngine()
    for path, index in installed(NOTO):
        read = engine.read_lines([typeset(path, index, 36, line)])[0]
        assert not set(read.text) & set(glyphs.UNREADABLE), (path, read.text)
        assert "Greek" not in read.choice, read.choice


def test_unread_ink_without_template_faces_changes_nothing() -> None:
    """With no template face installed the ink is told by nothing: the reading stays as it is."""
    gray = np.full((40, 260), 255, np.uint8)
    for x in (0, 40, 80, 120):  # four Han characters
        gray[5:35, x:x + 4] = gray[5:35, x + 26:x + 30] = gray[18:22, x:x + 30] = 0
    gray[14:38, 180:184] = 0  # a stroke no character peaks on
    columns = [2, 7, 12, 17]
    assert glyphs.unread_ink("安顺市区", columns, 8.0, gray < 128, 5.0, 35.0) == [(180, 184, 4)]
    read = ("安顺市区", columns, [0.9] * 4)
    assert glyphs.dropped_greek(*read, 8.0, gray, faces=()) == read


ITALICS = [f"/usr/share/fonts/truetype/dejavu/{name}" for name in ("DejaVuSerif-Italic.ttf", "DejaVuSans-Oblique.ttf")]
ITALICS += [f"/usr/share/fonts/opentype/urw-base35/{name}.otf"
            for name in ("P052-Italic", "URWBookman-LightItalic", "NimbusRoman-Italic")]


@needs_ppocr
def test_italic_variables_stay_latin() -> None:
    """``取 r = 0.72``, the variable set in an italic Latin face beside Noto Sans CJK: Palatino's italic ``r``,
    DejaVu Serif's ``y``, Bookman's ``w`` are drawn more like ``γ``, ``ω`` than like any upright template, so a
    Latin letter the recognizer read is never weighed again, and none it dropped comes back Greek."""
    from PIL import Image, ImageDraw, ImageFont

    faces = [path for path in ITALICS if Path(path).is_file()]
    han_face = installed(NOTO[:1])[0]
    if not faces:
        pytest.skip("no italic Latin face installed")
    han = ImageFont.truetype(han_face[0], 36, index=han_face[1])
    crops = []
    for path in faces:
        latin = ImageFont.truetype(path, 36)
        for letter in "rywvuxa8":
            runs = [("监测站记录取 ", han), (letter, latin), (" = 0.72，", latin), ("射线剂量率符合标准", han)]
            image = Image.new("L", (int(sum(font.getlength(text) for text, font in runs)) + 40, 110), 255)
            draw, x = ImageDraw.Draw(image), 18.0
            for text, font in runs:
                draw.text((x, 72), text, font=font, fill=0, anchor="ls")
                x += font.getlength(text)
            crops.append(tight(np.asarray(image)))
    for line in PpOcrEngine().read_lines(crops):
        assert not set(line.text) & set(glyphs.UNREADABLE), line.text


@needs_ppocr
@pytest.mark.parametrize("size", [30, 36, 42])
def test_letters_the_recognizer_reads_as_other_characters_are_told_again(size: int) -> None:
    """``λ`` read ``入`` and ``δ`` read ``8`` (or left out): in Noto Sans and Serif CJK, at three sizes, both come
    out as the letters they are."""
    engine, line = PpOcrEngine(), "光波波长 λ = 550 nm，厚度 δ = 3 mm，取 σ ＜ 3.93。"
    for path, index in installed(NOTO):
        text = engine.read_lines([typeset(path, index, size, line)])[0].text
        assert "λ" in text and "δ" in text and "σ" in text, (path, size, text)


def test_a_latin_face_is_placed_as_it_stands_beside_han() -> None:
    """DejaVu has no Han: its letters' templates are placed by ``HAN_BAND``, as they stand beside Noto CJK's Han
    set on one baseline at one size (a letter measured against the face's missing-glyph box stood 0.14 too high
    and dropped out of the comparison)."""
    from PIL import Image, ImageDraw, ImageFont

    dejavu = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0)
    han_path, han_index = installed(NOTO[:1])[0]
    if not Path(dejavu[0]).is_file():
        pytest.skip("DejaVu Sans is not installed")
    placed = {char: (top, bottom) for char, _ink, top, bottom, _width in glyphs.templates(*dejavu)}
    size = 200
    han, latin = ImageFont.truetype(han_path, size, index=han_index), ImageFont.truetype(dejavu[0], size)
    for char in "xγλ8":
        image = Image.new("L", (3 * size, 2 * size), 255)
        draw = ImageDraw.Draw(image)
        draw.text((10, 1.5 * size), "中", font=han, fill=0, anchor="ls")
        draw.text((10 + size * 1.2, 1.5 * size), char, font=latin, fill=0, anchor="ls")
        ink = np.asarray(image) < 128
        rows = [np.flatnonzero(ink[:, part].any(axis=1)) for part in (slice(0, size + 10), slice(size + 10, None))]
        height = rows[0][-1] + 1 - rows[0][0]
        seen = ((rows[1][0] - rows[0][0]) / height, (rows[1][-1] + 1 - rows[0][0]) / height)
        assert np.allclose(placed[char], seen, atol=0.05), (char, placed[char], seen)


@needs_ppocr
def test_the_detectors_rows_say_what_the_passes_changed_too() -> None:
    """PP-OCR's detector inside a box (``read_region``), and the rows the repair keeps of it (``page.rows_inside``),
    carry the note on what cwn-ocr's passes changed in the recognizer's reading, as the crop's reading does."""
    from cwn_ocr.model import BBox
    from cwn_ocr.ocr.page import rows_inside

    path, index = installed(NOTO)[0]
    crop = typeset(path, index, 36, GREEK_LINE)
    page = np.full((crop.shape[0] * 3, crop.shape[1] + 40), 255, np.uint8)
    page[crop.shape[0]:2 * crop.shape[0], 20:20 + crop.shape[1]] = crop
    rows = PpOcrEngine().read_region(page)
    assert any("+‹γ›" in row.choice for row in rows), [(row.text, row.choice) for row in rows]
    kept = rows_inside(rows, BBox(0, crop.shape[0], page.shape[1], 2 * crop.shape[0]), 0, 0, engine="ppocr")
    assert "γ" in kept.text and "+‹γ›" in kept.choice and kept.choice.count("not as PP-OCR's") == 1, kept.choice
