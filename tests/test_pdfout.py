"""The repaired PDF: same look, text that extracts as the repair, original pages untouched."""

from __future__ import annotations

import re
import subprocess
import warnings
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from rapidfuzz.distance import Levenshtein

from cwn_ocr import repair_pdf
from cwn_ocr.layer.charsets import squeeze
from cwn_ocr.merge.splice import RepairedLine, Source
from cwn_ocr.model import BBox
from cwn_ocr.report.pdfout import glyphless_font, text_layer, write_repaired_pdf
from cwn_ocr.run.pipeline import RepairResult
from tests.conftest import GARBLED_SAMPLES, SAMPLES

pytestmark = [pytest.mark.poppler, pytest.mark.tesseract]
OUTPUT_SAMPLES = GARBLED_SAMPLES + ("mojibake_kangxi", "wrong_tounicode")


@cache
def repaired(name: str, folder: str) -> tuple[RepairResult, Path]:
    result = repair_pdf(SAMPLES / f"{name}.pdf", jobs=2)
    target = Path(folder) / f"{name}.pdf"
    write_repaired_pdf(result, target)
    return result, target


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("pdfout"))


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", OUTPUT_SAMPLES)
def test_repaired_pdf_extracts_as_the_repaired_text(name: str, folder: str) -> None:
    result, target = repaired(name, folder)
    extracted, wanted = squeeze(pdftotext(target)), squeeze(result.text)
    distance = Levenshtein.distance(extracted, wanted) / max(1, len(wanted))
    print(f"\n[pdf] {name}: pdftotext of the repaired PDF vs <stem>.txt: {distance:.2%}")
    assert distance <= 0.005
    growth = target.stat().st_size - (SAMPLES / f"{name}.pdf").stat().st_size
    assert growth <= 0.1 * (SAMPLES / f"{name}.pdf").stat().st_size + 4 * len(result.text.encode("utf-8")) + 4000


@pytest.mark.slow
@pytest.mark.parametrize("name", OUTPUT_SAMPLES)
def test_all_six_extractors_read_the_repaired_text_once(name: str, folder: str) -> None:
    """What extractors users put after cwn-ocr read from the repaired PDF: the repair's characters,
    each once (no old garbage beside the new layer), whatever order their layout rules give them."""
    from collections import Counter

    from tests.test_fonts import extractors

    result, target = repaired(name, folder)
    wanted = Counter(squeeze(result.text))
    for extractor, extract in extractors().items():
        read = Counter(squeeze(extract(target)))
        differing, total = sum(((wanted - read) + (read - wanted)).values()), sum(wanted.values())
        print(f"\n[pdf] {name}: {extractor} differs from <stem>.txt in {differing} of {total} characters")
        assert differing <= 0.005 * total + 2, extractor


def render(path: Path, folder: Path) -> list[np.ndarray]:
    prefix = folder / path.stem
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", str(path), str(prefix)], check=True)
    return [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sorted(folder.glob(f"{path.stem}-*.png"))]


@pytest.mark.slow
@pytest.mark.parametrize("name", OUTPUT_SAMPLES)
def test_pages_look_the_same(name: str, folder: str, tmp_path: Path) -> None:
    _result, target = repaired(name, folder)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before, after = render(SAMPLES / f"{name}.pdf", tmp_path / "a"), render(target, tmp_path / "b")
    assert len(before) == len(after)
    for a, b in zip(before, after):
        assert a.shape == b.shape
        differing = np.count_nonzero(cv2.absdiff(a, b) > 32)
        assert differing <= 0.0005 * a.size


@pytest.mark.slow
def test_untouched_pages_keep_their_objects(folder: str) -> None:
    result, target = repaired("mixed_pages", folder)
    with pikepdf.open(SAMPLES / "mixed_pages.pdf") as original, pikepdf.open(target) as written:
        for number in (1, 3):  # clean pages
            assert written.pages[number - 1].Contents.read_bytes() == original.pages[number - 1].Contents.read_bytes()
        assert written.pages[1].Contents.read_bytes() != original.pages[1].Contents.read_bytes()


@pytest.mark.slow
def test_repaired_pdf_opens_cleanly_and_a_second_repair_changes_nothing(folder: str, tmp_path: Path) -> None:
    import pypdf

    _result, target = repaired("scan_eng_layer", folder)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = pypdf.PdfReader(str(target), strict=True)
        assert "安顺市" in "".join(page.extract_text() for page in reader.pages)
    again = repair_pdf(target, jobs=2)
    assert not any(p.rasterized for p in again.pages)
    assert all(not line.changed for p in again.pages for line in p.lines)


@pytest.mark.slow
def test_an_old_layer_inside_a_form_xobject_is_removed(tmp_path: Path) -> None:
    """OCRmyPDF and others put a page's content in a Form XObject; the old layer must go there too."""
    source = tmp_path / "in_form.pdf"
    with pikepdf.open(SAMPLES / "no_tounicode.pdf") as pdf:
        page = pdf.pages[0]
        page.contents_coalesce()
        form = pikepdf.Stream(pdf, page.obj.Contents.read_bytes())
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox, form.Resources = page.mediabox, pikepdf.Dictionary(Font=page.obj.Resources.Font)
        page.obj.Resources.XObject = pikepdf.Dictionary(Fx0=pdf.make_indirect(form))
        page.obj.Contents = pdf.make_stream(b"q /Fx0 Do Q")
        pdf.save(source)
    assert "Commitment Made" in pdftotext(source)  # the text now lives in the form
    result = repair_pdf(source, jobs=2, repair_fonts=False)  # its text read from the image, not its font's map
    target = tmp_path / "out.pdf"
    methods = write_repaired_pdf(result, target)
    assert "actualtext" in methods[1]
    extracted, wanted = squeeze(pdftotext(target)), squeeze(result.text)
    assert Levenshtein.distance(extracted, wanted) / len(wanted) <= 0.005


def test_operators_that_are_not_text_do_not_stop_the_page() -> None:
    """Found by fuzzing: a damaged content stream whose operator bytes are not UTF-8."""
    import pikepdf

    from cwn_ocr.layer.provenance import _count_text_ops, operator_name

    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.obj.Contents = pdf.make_stream(b"q \x9c\xb0 Q BT /F1 12 Tf (x) Tj ET")
    assert [operator_name(i) for i in pikepdf.parse_content_stream(page)] == ["q", "", "Q", "BT", "Tf", "Tj", "ET"]
    assert _count_text_ops(page) == (1, 0)


def _layer_pdf(lines: list[RepairedLine], target: Path) -> Path:
    """A blank A4 page holding only ``text_layer(lines)`` in the glyphless font."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary({"/CwnGlyphLess": glyphless_font(pdf)}))
    page.obj.Contents = pdf.make_stream(text_layer(lines, 842.0, (0.0, 0.0)))
    pdf.save(target)
    return target


def test_an_ocr_layer_of_two_columns_is_read_column_by_column(tmp_path: Path) -> None:
    """The invisible layer of a two-column page, as a degraded scan's OCR gives it: line boxes of
    uneven heights (ink, skew), lines 1.4 of their height apart. Each glyph an em wide for Han and
    the font the size the line height shows make each column one block to poppler, which reads
    block by block; with every glyph half an em, stretched by Tz, and a font 0.9 of each box's
    height, each line was a block of its own and pdftotext read the columns' lines in turn."""
    han = "自然保护地优化调整更新风景名胜区等保护地规划"
    lines = []
    for k in range(12):
        for x0, column in ((60.0, "左"), (320.0, "右")):
            text = f"{column}{k:02d}" + han[k:k + 10]
            height = 12.0 + (k % 3) * 0.6  # boxes of a skewed scan are taller where the line drifts
            box = BBox(x0 + (k % 2) * 0.8, 90 + 17.5 * k, x0 + 12.5 * 11 + 2 * 6.25, 90 + 17.5 * k + height)
            lines.append(RepairedLine(text, Source.OCR, "", (), box))
    pdf = _layer_pdf(lines, tmp_path / "layer.pdf")
    read = [line for line in pdftotext(pdf).splitlines() if line.strip()]
    assert sorted(read) == sorted(line.text for line in lines)  # every line whole, once
    columns = [line[0] for line in read]
    assert columns in (["左"] * 12 + ["右"] * 12, ["右"] * 12 + ["左"] * 12), columns


def test_each_glyph_of_a_line_advances_as_far_as_its_character_on_the_page() -> None:
    """Han and full-width forms are an em wide, the rest half an em: a line of 10 wide and 6 narrow
    characters in a box 130 pt wide has an em of 10 pt, and its glyphs advance so far (font size
    times horizontal scaling), so that an extractor's character boxes fall on the printed ones."""
    box = BBox(100, 100, 230, 110)
    layer = text_layer([RepairedLine("安顺市２０２４年 2024 年末", Source.OCR, "", (), box)], 842.0, (0.0, 0.0))
    size, scale = (float(v) for v in re.search(rb"([\d.]+) Tf ([\d.]+) Tz", layer).groups())
    assert abs(size * scale / 100 - 10.0) < 0.05, (size, scale)


@pytest.mark.parametrize(("body", "small"), [((10.0, 16.0), (7.0, 9.0)), ((34.0, 16.0), None)],
                         ids=["small print set tight", "skewed scan's tall boxes"])
def test_every_extractor_keeps_the_layers_lines_apart(body: tuple[float, float], small: tuple[float, float] | None,
                                                      tmp_path: Path) -> None:
    """Each line of the layer comes out as a line of its own from all six extractors: glyphs taller than
    the line pitch made pdfium (and pypdf) read neighbouring lines as one. Small print set tighter
    than the body (9 pt apart under 16) was given the body's size by the first layout of this layer;
    boxes more than twice as tall as their pitch (a skewed scan's) hid the next line from the pitch
    search."""
    from tests.test_fonts import extractors

    han = "自然保护地优化调整更新风景名胜区等保护地规划城市建设发展"
    height, pitch = body
    lines = [RepairedLine(f"正{k:02d}" + han[k:k + 14], Source.OCR, "", (),
                          BBox(60, 80 + pitch * k, 60 + 17 * height * 0.9, 80 + pitch * k + height)) for k in range(12)]
    if small is not None:
        height, pitch = small
        lines += [RepairedLine(f"注{k:02d}" + han[k:k + 20], Source.OCR, "", (),
                               BBox(60, 300 + pitch * k, 60 + 23 * height, 300 + pitch * k + height)) for k in range(6)]
    pdf = _layer_pdf(lines, tmp_path / "layer.pdf")
    for extractor, extract in extractors().items():
        read = [line for line in extract(pdf).splitlines() if line.strip()]
        joined = [line for line in read if line.count("正") + line.count("注") > 1]
        assert not joined, (extractor, joined)


def turned(source: Path, target: Path, rotation: int) -> Path:
    """``source`` with every page turned by ``/Rotate`` and its drawing turned back: it shows as before."""
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            width, height = x1 - x0, y1 - y0
            # the shown (x, y) drawn where the turned page shows it (the inverse of the viewer's turn)
            matrix = {90: f"0 1 -1 0 {height} 0", 180: f"-1 0 0 -1 {width} {height}",
                      270: f"0 -1 1 0 0 {width}"}[rotation]
            page.contents_add(pdf.make_stream(f"q 1 0 0 1 {-x0} {-y0} cm {matrix} cm\n".encode()), prepend=True)
            page.contents_add(pdf.make_stream(b"\nQ\n"))
            page.mediabox = pikepdf.Array([0, 0, height, width] if rotation % 180 else [0, 0, width, height])
            page.obj.Rotate = rotation
        pdf.save(target)
    return target


@pytest.mark.slow
@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_page_turned_by_rotate_reads_and_extracts_as_the_page_unturned(rotation: int, tmp_path: Path) -> None:
    """poppler gives a turned page's size unturned but its boxes as shown: the OCR's boxes, measured against
    the size, fell off the page (pdf.js issue5747: right lines removed as "not in the image", others added),
    and the repaired PDF drew its text along the unturned page. A page turned a quarter that shows as the
    scan sample does reads as it does, and its repaired PDF extracts as its text, in its order."""
    source = SAMPLES / "scan_eng_layer.pdf"
    plain = repair_pdf(source, jobs=2)
    turn = repair_pdf(turned(source, tmp_path / "turned.pdf", rotation), jobs=2)
    assert [p.rasterized for p in turn.pages] == [p.rasterized for p in plain.pages]
    assert Levenshtein.normalized_distance(squeeze(turn.text), squeeze(plain.text)) < 0.01
    target = tmp_path / "repaired.pdf"
    write_repaired_pdf(turn, target)
    assert Levenshtein.normalized_distance(squeeze(pdftotext(target)), squeeze(turn.text)) < 0.01


@pytest.mark.slow
def test_a_turned_page_decoded_with_a_recovered_map_has_its_shown_size(tmp_path: Path) -> None:
    """A turned page whose font map is recovered is read again by poppler, which gives the size unturned
    again: the decoded page must be measured as shown too (its repaired layer fell partly off the page)."""
    source = SAMPLES / "no_tounicode.pdf"
    plain = repair_pdf(source, jobs=2)
    turn = repair_pdf(turned(source, tmp_path / "turned.pdf", 90), jobs=2)
    assert turn.count("decoded") == plain.count("decoded") > 0
    assert (turn.pages[0].layer.width, turn.pages[0].layer.height) == (plain.pages[0].layer.width,
                                                                       plain.pages[0].layer.height)
    target = tmp_path / "repaired.pdf"
    write_repaired_pdf(turn, target)
    assert Levenshtein.normalized_distance(squeeze(pdftotext(target)), squeeze(turn.text)) < 0.01


def test_pikepdf_remarks_on_the_inputs_structure_are_no_warning_of_the_repair(tmp_path: Path) -> None:
    """A form widget no /AcroForm reaches (unstructured's pdf-bad-color-space.pdf): pikepdf's PageCopyWarning about
    the input came out on stderr under ``--quiet`` when the repaired PDF was saved."""
    source = tmp_path / "widget.pdf"
    with pikepdf.open(SAMPLES / "mojibake_kangxi.pdf") as pdf:
        widget = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                      Rect=[10, 10, 60, 30], FT=pikepdf.Name.Tx,
                                                      T=pikepdf.String("field")))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([widget]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PikepdfWarning)  # (the same remark, making the input)
            pdf.save(source)
    result = repair_pdf(source, cache_dir=tmp_path / "cache")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_repaired_pdf(result, tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").is_file()


def test_a_metadata_stream_that_cannot_be_decoded_does_not_stop_the_repaired_pdf(tmp_path: Path) -> None:
    """pdf.js's PDFBOX-3148-2-fuzzed.pdf: its XMP metadata is a base-85 stream with characters out of range, and
    pikepdf updates the metadata's PDF version when it saves: the repaired PDF was not written (exit 5). The
    metadata is left as the input has it."""
    source = tmp_path / "xmp.pdf"
    with pikepdf.open(SAMPLES / "mojibake_kangxi.pdf") as pdf:
        metadata = pdf.make_stream(b"<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
        metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        pdf.Root.Metadata = metadata
        pdf.save(source)
    data = source.read_bytes()
    start = data.index(b"<?xpacket")
    # the stream's bytes, said to be base-85: "{" is out of its range
    broken = data[:start] + b"{" * (data.index(b"endstream", start) - start) + data[data.index(b"endstream", start):]
    broken = broken.replace(b"/Subtype /XML", b"/Filter /ASCII85Decode /Subtype /XML", 1)
    source.write_bytes(broken)
    with pikepdf.open(source) as pdf, pytest.raises(pikepdf.PdfError, match="XMP"):
        pdf.save(tmp_path / "plain.pdf")  # the input as it is: pikepdf cannot save it with its defaults
    result = repair_pdf(source, cache_dir=tmp_path / "cache")
    write_repaired_pdf(result, tmp_path / "out.pdf")
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert "/Metadata" in pdf.Root
    assert squeeze(result.text) in squeeze(subprocess.run(["pdftotext", str(tmp_path / "out.pdf"), "-"],
                                                          capture_output=True, text=True, check=True).stdout)
