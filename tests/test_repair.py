"""End-to-end repair with real poppler and Tesseract, against the samples' ground truth."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from cwn_ocr import repair_pdf
from cwn_ocr.layer.textlayer import read_text_layer
from cwn_ocr.merge.splice import Source
from cwn_ocr.run.pipeline import RepairResult
from tests.conftest import CLEAN_SAMPLES, GARBLED_SAMPLES, SAMPLES, cer, truth_pages

pytestmark = [pytest.mark.poppler, pytest.mark.tesseract]


@cache
def repaired(name: str) -> RepairResult:
    return repair_pdf(SAMPLES / f"{name}.pdf", jobs=2)


@pytest.mark.slow
@pytest.mark.parametrize("name", GARBLED_SAMPLES)
def test_garbled_samples_come_out_close_to_the_truth(name: str) -> None:
    result = repaired(name)
    truth = "\n".join(truth_pages(name))
    layer = "\n".join(line.text for page in read_text_layer(SAMPLES / f"{name}.pdf") for line in page.lines)
    repaired_cer, layer_cer = cer(result.text, truth), cer(layer, truth)
    print(f"\n[repair] {name}: CER layer {layer_cer:.2%} -> repaired {repaired_cer:.2%}")
    assert repaired_cer <= 0.02
    assert repaired_cer < layer_cer / 10


@pytest.mark.slow
@pytest.mark.parametrize("name", GARBLED_SAMPLES + CLEAN_SAMPLES + ("mojibake_kangxi",))
def test_clean_lines_are_kept_byte_for_byte(name: str) -> None:
    result = repaired(name)
    for page in result.pages:
        layer_lines = page.layer.lines
        for line in page.lines:
            if line.source == Source.LAYER:
                assert line.text == line.original
                assert line.original == " ".join(layer_lines[i].text for i in line.layer_lines)


@pytest.mark.slow
def test_only_garbled_pages_are_rasterized() -> None:
    result = repaired("mixed_pages")
    assert [p.rasterized for p in result.pages] == [False, True, False]
    for page, truth in zip(result.pages, truth_pages("mixed_pages")):
        if not page.rasterized:
            assert cer(page.text, truth) == 0


@pytest.mark.parametrize("name", CLEAN_SAMPLES)
def test_clean_samples_are_unchanged(name: str) -> None:
    result = repaired(name)
    assert not any(p.rasterized for p in result.pages)
    assert all(line.source == Source.LAYER for p in result.pages for line in p.lines)
    assert cer(result.text, "\n".join(truth_pages(name))) == 0


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def dejavu_page(path: Path, lines: list[str], *, last: str = "") -> Path:
    """A one-page PDF of ``lines`` drawn in DejaVu Sans (a sound font), ``last`` in Helvetica below."""
    from fpdf import FPDF

    if not (DEJAVU / "DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("sans", fname=str(DEJAVU / "DejaVuSans.ttf"))
    pdf.set_font("sans", size=14)
    for i, line in enumerate(lines):
        pdf.text(20, 30 + 12 * i, line)
    if last:
        pdf.set_font("helvetica", size=14)
        pdf.text(20, 30 + 12 * len(lines), last)
    pdf.output(str(path))
    return path


def test_a_right_layer_in_another_alphabet_is_kept_without_reading_its_image(tmp_path: Path) -> None:
    """A French form in DejaVu (a correct layer, nothing wrong with its fonts): its accents, Greek
    and symbols are words and marks, not glyph codes read as rare ideographs; the page is judged clean
    and kept without OCR. Before, the detector's rarity test made it a broken font's page, OCR read
    it, and rule 8 replaced three lines with readings that lost ``’``, ``ÉÂ`` and ``☺`` (until rule
    ``image confirms``, which then kept them at the cost of the OCR)."""
    lines = ["NUMERO D’IMMATRICULATION :", "LE THÉÂTRE VITAL", "ADRESSE : ..............................", "OK: ☺",
             "Ação, été, Ελλάδα"]
    form = dejavu_page(tmp_path / "form.pdf", lines, last="Les autres lignes de ce formulaire sont claires")
    result = repair_pdf(form, cache_dir=tmp_path / "cache")
    kept = [line for page in result.pages for line in page.lines]
    assert [(line.original, line.text) for line in kept if line.changed] == []
    assert [line.text for line in kept][:5] == lines
    assert result.pages[0].verdict.value == "clean" and not result.pages[0].rasterized


def test_rare_characters_a_sound_map_gives_are_kept(tmp_path: Path) -> None:
    """Names written with characters of the Table of General Standard Chinese Characters outside GBK
    (刘䶮, 王𬭚), in a font whose ToUnicode map is sound (fpdf2's Noto Sans CJK): the map says what they
    are, and no OCR knows them. Before, two in one run made the row "rare ideographs", the page a broken
    font's, and OCR's ``刘龚、王`` replaced the line."""
    from fpdf import FPDF

    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.is_file():
        pytest.skip("fonts-noto-cjk is not installed")
    lines = ["安顺市生物多样性保护工作领导小组名单", "组长：刘䶮、王𬭚", "副组长：张伟、李强",
             "成员单位包括市生态环境局、市林业局等部门。"]
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("noto", fname=str(noto), collection_font_number=2)  # Noto Sans CJK SC
    pdf.set_font("noto", size=14)
    for i, line in enumerate(lines):
        pdf.text(20, 30 + 12 * i, line)
    pdf.output(str(tmp_path / "names.pdf"))
    result = repair_pdf(tmp_path / "names.pdf", cache_dir=tmp_path / "cache")
    assert [line.text for page in result.pages for line in page.lines] == lines
    assert not any(line.changed for page in result.pages for line in page.lines)


def test_a_page_under_a_screen_resolution_overlay_is_read_at_full_resolution(tmp_path: Path) -> None:
    """A page of vector text under a full-page 72-ppi image (a browser's print-out: pdf.js bug 1771477)
    is no scan: read at 72 dpi its text was illegible and OCR's ``COS`` replaced ``# CORÉEN ANGLAIS``."""
    import numpy as np
    from fpdf import FPDF
    from PIL import Image

    from cwn_ocr.ocr.raster import rasterize_page

    overlay = tmp_path / "overlay.png"
    Image.fromarray(np.full((842, 595), 250, np.uint8)).save(overlay)  # A4 at 72 ppi, almost white
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.image(str(overlay), x=0, y=0, w=595.28, h=841.89)
    pdf.set_font("helvetica", size=14)
    pdf.text(60, 100, "Sites Web Traduction")
    pdf.output(str(tmp_path / "overlay.pdf"))
    page = rasterize_page(tmp_path / "overlay.pdf", 1, 595.28, 841.89, dpi=300)
    assert not page.scanned and round(page.dpi) == 300


def test_gbk_mojibake_gives_back_each_character_even_one_alone_between_ascii(tmp_path: Path) -> None:
    """GBK bytes drawn as latin-1 text in a sound font (a page of mojibake ``gbk_as_latin1``): a character
    alone between digits (``45,723 亩``) or alone on a table's line (a unit, ``元``) has bytes that are also
    UTF-8's of a Latin or Cyrillic letter (``Ķ``, ``Ԫ``); the page's other lines say they are GBK's."""
    lines = ["截至 2008年11月4日，累计投资 552,332 万元，完成造林 45,723 亩", "项目投资合计", "元"]
    right = "Runoff Q = 12.5 m³·s-1"  # a right line beside them: its ``³·`` are also GBK's bytes of 撤
    page = dejavu_page(tmp_path / "gbk.pdf", [line.encode("gb18030").decode("latin-1") for line in lines] + [right])
    result = repair_pdf(page, cache_dir=tmp_path / "cache")
    assert [line.text for page in result.pages for line in page.lines] == lines + [right]
    assert not result.pages[0].rasterized


def test_mojibake_and_kangxi_are_fixed_without_ocr() -> None:
    result = repaired("mojibake_kangxi")
    assert not any(p.rasterized for p in result.pages)
    changed = [line for p in result.pages for line in p.lines if line.changed]
    assert changed and all(line.source == Source.TEXTFIX for line in changed)
    assert cer(result.text, "\n".join(truth_pages("mojibake_kangxi"))) == 0


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwn_ocr", *args], capture_output=True, text=True, timeout=600)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_cli_repair_writes_text_and_report(tmp_path: Path) -> None:
    source = SAMPLES / "mixed_pages.pdf"
    before = sha256(source)
    proc = run_cli("repair", str(source), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert sha256(source) == before, "the input must never be modified"
    text = (tmp_path / "out" / "mixed_pages.txt").read_text("utf-8")
    assert text.count("\f") == 3
    report = json.loads((tmp_path / "out" / "mixed_pages.json").read_text("utf-8"))
    assert [p["rasterized"] for p in report["pages"]] == [False, True, False]
    ocr_lines = [line for line in report["pages"][1]["lines"] if line["source"] == "ocr"]
    assert ocr_lines and all(line["confidence"] is not None and line["reasons"] for line in ocr_lines)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["mixed_pages.diff.html", "mixed_pages.json",
                                                                    "mixed_pages.pdf", "mixed_pages.txt"]
    assert "1 OCRed" in proc.stderr


def test_cli_repair_to_stdout_for_pipes(tmp_path: Path) -> None:
    proc = run_cli("repair", str(SAMPLES / "mojibake_kangxi.pdf"), "-o", "-", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Description of how city is taking action\n安顺市严格执行")
    assert proc.stderr == ""


def test_cli_repair_refuses_to_write_next_to_the_input(tmp_path: Path) -> None:
    copy = tmp_path / "x.pdf"
    copy.write_bytes((SAMPLES / "clean_english.pdf").read_bytes())
    proc = run_cli("repair", str(copy), "--out", str(tmp_path))
    assert proc.returncode == 5
    assert "Traceback" not in proc.stderr and list(tmp_path.iterdir()) == [copy]


def test_latin1_text_an_embedded_simple_font_draws_is_no_gbk_mojibake(tmp_path: Path) -> None:
    """A legacy 8-bit font (pdf.js issue7020: Kannada in the Nudi font, its Latin-1 codes drawing Kannada
    letters): embedded, a simple font, one glyph a code, so no character of its text is drawn from two codes,
    and its Latin-1 is never decoded as GBK (it had become ``╯丰夾帚型悖``). Here DejaVu Sans draws the
    Latin-1 characters themselves, which the page shows: the layer is right either way."""
    font_file = DEJAVU / "DejaVuSans.ttf"
    if not font_file.is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    import pikepdf

    pdf = pikepdf.new()
    program = pdf.make_stream(font_file.read_bytes())
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/DejaVuSans"), Flags=32,
        FontBBox=[-1021, -463, 1793, 1232], ItalicAngle=0, Ascent=928, Descent=-236, CapHeight=729, StemV=80,
        FontFile2=program))
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/DejaVuSans"), FirstChar=32,
        LastChar=255, Widths=[600] * 224, Encoding=pikepdf.Name.WinAnsiEncoding, FontDescriptor=descriptor))
    lines = ["Glyph table of the font", "¢£¤¥§¨©ª«¬®¯", "±²¶¸¹º¼½", "ÀÁÂÃÄÅÆÈÉÊËÌÍ", "ÎÏÐ Ñ"]  # (no byte moved up)
    content = b"BT /F1 14 Tf 16 TL 50 750 Td " + b" ".join(
        b"(" + line.encode("cp1252") + b") Tj T*" for line in lines) + b" ET"
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(content)
    pdf.save(tmp_path / "latin1.pdf")
    result = repair_pdf(tmp_path / "latin1.pdf", cache_dir=tmp_path / "cache")
    texts = [line.text for page in result.pages for line in page.lines]
    # the GBK lines as the page has them, no byte moved from the next line up to complete a pair (the last line,
    # flagged as Latin-1 glyph codes look, is the page image's to read)
    assert texts[:4] == lines[:4] and not any("\u4e00" <= char <= "\u9fff" for text in texts for char in text)


def test_a_broken_fonts_page_keeps_the_lines_of_its_sound_fonts_that_one_reading_misreads(tmp_path: Path) -> None:
    """A log sheet in DejaVu (a sound font) with column headers turned 90°, and a row drawn by a second font whose
    map sends its glyphs to control codes (what a TeX math font without a map gives): that row proves *a* font
    broken, not which lines it draws. The turned headers, which OCR reads as ``1 1``, ``ee`` or ``y`` with its
    pieces of other lines, stay; the control codes take what the page shows (PyMuPDF's test_4388: ``Depth
    interval`` had become ``aa`` and five lines of fragments)."""
    import pikepdf
    from fpdf import FPDF

    font_file = DEJAVU / "DejaVuSans.ttf"
    if not font_file.is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("sans", fname=str(font_file))
    pdf.set_font("sans", size=11)
    lines = ["Borehole log BOZ-1: lithology and stratigraphy of the cored section",
             "Core recovery was complete between 120 and 480 metres below ground",
             "The limestone is bioclastic, with packstone and grainstone layers"]
    for i, text in enumerate(lines):
        pdf.text(20, 30 + 8 * i, text)
    headers = [(40, "Depth interval"), (60, "Cored interval"), (80, "Lithology")]
    for x, label in headers:
        with pdf.rotation(90, x, 120):
            pdf.text(x, 120, label)
    pdf.set_font("sans", size=9)
    for j in range(12):
        pdf.text(100, 80 + 6 * j, f"{100 + 30 * j} m  sample {j + 1}: grey bioclastic limestone, porosity {8 + j % 5}")
    pdf.output(str(tmp_path / "base.pdf"))
    with pikepdf.open(tmp_path / "base.pdf") as src:
        descriptor = src.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/DejaVuSans"), Flags=32,
            FontBBox=[-1021, -463, 1793, 1232], ItalicAngle=0, Ascent=928, Descent=-236, CapHeight=729, StemV=80,
            FontFile2=src.make_stream(font_file.read_bytes())))
        controls = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def /CMapType 2 def\n"
                    b"1 begincodespacerange <00> <FF> endcodespacerange\n1 beginbfchar <41> <0007> endbfchar\n"
                    b"endcmap CMapName currentdict /CMap defineresource pop end end")
        src.pages[0].Resources.Font.F9 = src.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/DejaVuSans"), FirstChar=32,
            LastChar=255, Widths=[600] * 224, Encoding=pikepdf.Name.WinAnsiEncoding, FontDescriptor=descriptor,
            ToUnicode=src.make_stream(controls)))
        src.pages[0].contents_add(src.make_stream(b"BT /F9 12 Tf 400 60 Td (AAAA) Tj ET"), prepend=False)
        src.save(tmp_path / "log.pdf")
    result = repair_pdf(tmp_path / "log.pdf", cache_dir=tmp_path / "cache")
    out = [line for page in result.pages for line in page.lines]
    assert [line.original for line in out if line.changed] == ["\x07\x07\x07\x07"]
    for _x, label in headers:
        assert [line.text for line in out if line.original == label] == [label]


def test_control_codes_a_font_maps_its_space_to_stay_spaces_where_the_page_shows_them(tmp_path: Path) -> None:
    """pdf.js's TAMReview.pdf: on a broken font's page, lines in a font whose map sends the space glyph to U+0002
    (``Overview\\x02of\\x02the``). The codes were replaced by the reading's spaces stripped, and the words came
    out glued (``OverviewoftheTechnologyAcceptanceModel:``)."""
    lines = ["Overview of the Technology Acceptance Model:", "Origins, Developments and Future Directions"]
    spaces = {code: 2 if code == 32 else code for code in range(32, 127)}
    nothing = {code: 0xE000 + code for code in range(32, 127)}
    _drawn_in_winansi_dejavu(tmp_path / "spaces.pdf", {
        "F9": (spaces, [(56, 760 - 16 * i, line) for i, line in enumerate(lines)]),
        "F10": (nothing, [(56, 800, "Working Papers on Information Systems")])})
    assert [line.text for line in read_text_layer(tmp_path / "spaces.pdf")[0].lines][1:] == \
        [line.replace(" ", "\x02") for line in lines]
    result = repair_pdf(tmp_path / "spaces.pdf", cache_dir=tmp_path / "cache")
    assert [line.text for line in result.pages[0].lines] == ["Working Papers on Information Systems", *lines]


def test_a_running_header_in_a_broken_font_is_read_although_the_title_it_repeats_is_on_the_page(
        tmp_path: Path) -> None:
    """pdf.js's TAMReview.pdf: each page's header repeats the title in a font whose codes map to nothing, the
    title itself is further down in a sound font. The header's reading, the title's text, was taken for a reading
    of the title line beside it (``Reading.elsewhere``, for a skewed scan's layer) and the header's codes were
    kept; the page's font positions say the reading is of the header."""
    title = "Overview of the Technology Acceptance Model"
    body = ["User acceptance of technology has been studied for over two decades",
            "and many models have been proposed to explain the use of a system"]
    nothing = {code: 0xE000 + code for code in range(32, 127)}
    _drawn_in_winansi_dejavu(tmp_path / "header.pdf", {"F9": (nothing, [(56, 800, title)])}, ["", "", title, *body])
    layer = [line.text for line in read_text_layer(tmp_path / "header.pdf")[0].lines]
    assert layer[0] == "".join(chr(0xE000 + ord(c)) for c in title) and title in layer
    result = repair_pdf(tmp_path / "header.pdf", cache_dir=tmp_path / "cache")
    assert [line.text for line in result.pages[0].lines] == [title, title, *body]


def _drawn_in_winansi_dejavu(path: Path, fonts: dict[str, tuple[dict[int, int], list[tuple[int, int, str]]]],
                             sound: list[str] | None = None) -> None:
    """A page of ``sound`` lines (``dejavu_page``) and, per font resource name in ``fonts``, each ``(x, y, text)``
    drawn in DejaVu Sans as a simple TrueType font whose ToUnicode map sends each code 32-126 to ``targets[code]``."""
    import pikepdf
    from fontTools.ttLib import TTFont

    dejavu_page(path.with_suffix(".base.pdf"), sound or [""])
    font_file = DEJAVU / "DejaVuSans.ttf"
    tt = TTFont(str(font_file))
    cmap, metrics = tt.getBestCmap(), tt["hmtx"].metrics
    widths = [round(metrics[cmap[code]][0] * 1000 / tt["head"].unitsPerEm) for code in range(32, 127)]
    with pikepdf.open(path.with_suffix(".base.pdf")) as src:
        descriptor = src.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/DejaVuSans"), Flags=32,
            FontBBox=[-1021, -463, 1793, 1232], ItalicAngle=0, Ascent=928, Descent=-236, CapHeight=729, StemV=80,
            FontFile2=src.make_stream(font_file.read_bytes())))
        resources = src.pages[0].Resources.get("/Font") or pikepdf.Dictionary()
        src.pages[0].Resources.Font = resources
        for name, (targets, drawn) in fonts.items():
            pairs = b"\n".join(b"<%02X> <%04X>" % (code, targets[code]) for code in range(32, 127))
            to_unicode = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
                          b"/CMapType 2 def\n1 begincodespacerange <00> <FF> endcodespacerange\n95 beginbfchar\n"
                          + pairs + b"\nendbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
            resources[f"/{name}"] = src.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/DejaVuSans"),
                FirstChar=32, LastChar=126, Widths=widths, Encoding=pikepdf.Name.WinAnsiEncoding,
                FontDescriptor=descriptor, ToUnicode=src.make_stream(to_unicode)))
            for x, y, text in drawn:
                src.pages[0].contents_add(src.make_stream(b"BT /%s 11 Tf %d %d Td (%s) Tj ET"
                                                          % (name.encode(), x, y, text.encode())), prepend=False)
        src.save(path)
