"""Broken fonts repaired, not pages: each font's map recovered from the cheapest evidence that knows it,
every line it draws decoded, and the map written into the repaired PDF so that every extractor reads it."""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from cwn_ocr import repair_pdf
from cwn_ocr.fonts.cmaps import tounicode_cmap
from cwn_ocr.fonts.inventory import list_fonts
from cwn_ocr.layer.provenance import parse_tounicode
from cwn_ocr.merge.splice import Source
from cwn_ocr.report.pdfout import write_repaired_pdf
from tests.conftest import ROOT, SAMPLES

pytestmark = [pytest.mark.poppler]
REAL = ROOT.parent / "shared" / "real"


def squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def layer_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def extractors() -> dict[str, Callable[[Path], str]]:
    """The six extractors users put after cwn-ocr, each reading a whole PDF's text."""
    import pdfplumber
    import pymupdf
    import pypdf
    import pypdfium2
    from pdfminer.high_level import extract_text

    def plumber(path: Path) -> str:
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)

    def pdfium(path: Path) -> str:
        document = pypdfium2.PdfDocument(str(path))
        try:
            return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        finally:
            document.close()

    return {"pdftotext": layer_text, "pdfminer.six": lambda p: extract_text(str(p)), "pdfplumber": plumber,
            "pypdf": lambda p: "\n".join(page.extract_text() for page in pypdf.PdfReader(str(p)).pages),
            "PyMuPDF": lambda p: "".join(page.get_text() for page in pymupdf.open(str(p))), "pypdfium2": pdfium}


def with_cjk_map(source: Path, target: Path, change: Callable[[dict[int, str]], dict[int, str]]) -> None:
    """``source`` with its CJK font's ToUnicode map replaced by ``change`` of it."""
    with pikepdf.open(source) as pdf:
        for font in list_fonts(pdf).values():
            if font.to_unicode and any("\u4e00" <= t <= "\u9fff" for t in font.to_unicode.values()):
                obj = pdf.get_object(tuple(int(x) for x in font.key.split()))
                obj.ToUnicode = pdf.make_stream(tounicode_cmap(change(font.to_unicode), code_bytes=2))
        pdf.save(target)


def swapped(mapping: dict[int, str]) -> dict[int, str]:
    return {code: chr(((ord(t) & 0xFF) << 8) | (ord(t) >> 8)) for code, t in mapping.items() if len(t) == 1}


@pytest.mark.tesseract
def test_a_byte_swapped_map_is_swapped_back_without_reading_the_page(tmp_path: Path) -> None:
    broken = tmp_path / "swapped.pdf"
    with_cjk_map(SAMPLES / "clean_mixed.pdf", broken, swapped)
    assert squeezed(layer_text(broken)) != squeezed(layer_text(SAMPLES / "clean_mixed.pdf"))
    result = repair_pdf(broken, cache_dir=tmp_path / "cache")
    assert squeezed(result.text) == squeezed(layer_text(SAMPLES / "clean_mixed.pdf"))
    assert not any(page.rasterized for page in result.pages)
    [font] = result.fonts.to_list()
    assert font["map_before"] == "byte-swapped" and font["evidence"] == ["byte swap"] and font["unknown"] == 0
    assert {line.source for page in result.pages for line in page.lines if line.changed} == {Source.FONTMAP}


@pytest.mark.tesseract
def test_a_missing_map_is_learned_from_the_page_and_every_extractor_reads_it(tmp_path: Path) -> None:
    """pdf.js issue3405r: a CID font with Identity-H, no ToUnicode, and a program with no cmap: its
    codes extract as control characters. Only the page image knows them."""
    pdf = REAL / "pdfjs__issue3405r.pdf"
    if not pdf.is_file():
        pytest.skip(f"{REAL} is absent (the shared real PDFs)")
    result = repair_pdf(pdf, cache_dir=tmp_path / "cache")
    assert squeezed(result.text) == "其他参考数据"
    [font] = result.fonts.to_list()
    assert font["map_before"] == "missing" and font["unknown"] == 0 and font["lines_read"] == 1
    out = tmp_path / "repaired.pdf"
    write_repaired_pdf(result, out)
    for name, extract in extractors().items():
        assert squeezed(extract(out)) == "其他参考数据", name
    with pikepdf.open(out) as repaired:
        [(_, ref)] = [(k, f) for k, f in list_fonts(repaired).items() if f.to_unicode is not None]
        assert sorted(parse_tounicode(repaired.get_object(tuple(int(x) for x in ref.key.split()))
                                      .ToUnicode.read_bytes().decode()).values()) == sorted("其他参考数据")


@pytest.mark.tesseract
def test_an_empty_map_is_learned_and_lines_with_unknown_codes_are_read_from_the_page(tmp_path: Path) -> None:
    broken = tmp_path / "empty.pdf"
    with_cjk_map(SAMPLES / "clean_mixed.pdf", broken, lambda mapping: {})
    result = repair_pdf(broken, cache_dir=tmp_path / "cache")
    [font] = result.fonts.to_list()
    assert font["map_before"] == "empty" and font["recovered"] > 0.5 * font["codes"]
    truth = squeezed(layer_text(SAMPLES / "clean_mixed.pdf"))
    from rapidfuzz.distance import Levenshtein

    assert Levenshtein.distance(squeezed(result.text), truth) / len(truth) < 0.02


NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


def noto_cff_pdf(path: Path, lines: tuple[str, ...]) -> Path:
    """Lines in Noto Serif CJK SC as fpdf2 embeds an OpenType-CFF font: a CID-keyed CFF subset under an
    embedded CMap stream sending its codes to the original CIDs (what pdfminer.six and pypdf misread)."""
    from fpdf import FPDF

    if not NOTO_SERIF.is_file():
        pytest.skip(f"{NOTO_SERIF} is not installed (make setup installs fonts-noto-cjk)")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("noto", fname=str(NOTO_SERIF), collection_font_number=2)
    pdf.set_font("noto", size=14)
    for i, line in enumerate(lines):
        pdf.text(20, 30 + 10 * i, line)
    pdf.output(str(path))
    return path


def test_a_cff_font_under_an_embedded_cmap_is_re_encoded_so_every_extractor_reads_it_and_nothing_looks_different(
        tmp_path: Path) -> None:
    import numpy as np

    from cwn_ocr.fonts.program import cids_of

    # Noto Serif CJK draws • and ‧ with one glyph: two codes for it, which the re-encoding gives a glyph each
    lines = ("安顺市生态环境保护规划", "• 森林覆盖率 61.01 %，海拔 1,137 m ‧ 北纬 25°。")
    source = noto_cff_pdf(tmp_path / "noto.pdf", lines)
    with pikepdf.open(source) as pdf:
        [font] = [f for f in list_fonts(pdf).values() if f.subtype == "/Type0"]
        obj = pdf.get_object(tuple(int(x) for x in font.key.split()))
        assert isinstance(obj.Encoding, pikepdf.Stream)
        cids = list((cids_of(obj) or {}).values())
        assert len(set(cids)) < len(cids)  # one glyph, two codes
    before = extractors()
    assert squeezed(before["pdfminer.six"](source)) != squeezed("".join(lines))  # the misreading this is for
    result = repair_pdf(source, use_cache=False)
    assert all(not line.changed for page in result.pages for line in page.lines)  # a right layer: text kept
    out = tmp_path / "repaired.pdf"
    methods = write_repaired_pdf(result, out)
    assert "re-encoded" in methods[1]
    for name, extract in extractors().items():
        assert squeezed(extract(out)) == squeezed("".join(lines)), name
    images = []
    for pdf in (source, out):
        subprocess.run(["pdftoppm", "-r", "100", "-gray", str(pdf), str(tmp_path / pdf.stem)], check=True)
        images.append(np.fromfile(next(tmp_path.glob(f"{pdf.stem}-*.pgm")), dtype=np.uint8))
    assert np.array_equal(images[0], images[1])  # the same pixels


def test_a_font_whose_code_zero_draws_a_glyph_that_is_shown_is_left_alone(tmp_path: Path) -> None:
    """fpdf2 sends code 0 to its fallback glyph, ``?`` (CID 32): with ``?`` in the text the subset has
    that glyph, and code 0 would draw .notdef after the re-encoding. Never shown, it may go; shown, the
    font is left as it was."""
    from cwn_ocr.fonts.reencode import reencode_fonts

    for shown in (False, True):
        source = noto_cff_pdf(tmp_path / f"noto-{shown}.pdf", ("安顺市?",))
        with pikepdf.open(source) as pdf:
            [font] = [f for f in list_fonts(pdf).values() if f.subtype == "/Type0"]
            obj = pdf.get_object(tuple(int(x) for x in font.key.split()))
            if b"<0000> 32" not in obj.Encoding.read_bytes():
                pytest.skip("this fpdf2 sends code 0 elsewhere")
            if shown:
                page = pdf.pages[0]
                page.Contents = pdf.make_stream(page.Contents.read_bytes() + b"\nBT /F1 12 Tf 10 10 Td <0000> Tj ET\n")
            [outcome] = reencode_fonts(pdf).values()
            assert bool(outcome.reason) == shown, outcome
            assert isinstance(obj.Encoding, pikepdf.Stream) == shown


@pytest.mark.tesseract
def test_glyph_names_that_only_count_codes_are_set_aside_and_the_codes_learned_from_the_page(tmp_path: Path) -> None:
    """MinerU's test_01: Type 1 subsets numbered 33, 34, … by first use, each glyph named after its
    code (``exclam`` draws F): every extractor reads the English captions as ``,-./012 23245/0670/2181``.
    The string bytes show the numbering; the page image teaches the codes."""
    pdf = ROOT.parent / "shared" / "real-more" / "mineru__test_01.pdf"
    if not pdf.is_file():
        pytest.skip(f"{pdf.parent} is absent (the shared real PDFs)")
    assert "Agarose" not in layer_text(pdf)
    result = repair_pdf(pdf, cache_dir=tmp_path / "cache")
    numbered = [f for f in result.fonts.to_list() if f["map_before"] == "numbered by first use"]
    assert len(numbered) == 2 and sum(f["recovered"] for f in numbered) >= 40
    text = squeezed(result.text)
    for phrase in ("Agarose electrophoresis of PCR products of exon", "SSCP analysis of FHIT exon 3",
                   "图 2 FHIT 基因外显子和微卫星灶 PCR 扩增产物缺失电泳图"):
        assert squeezed(phrase) in text, phrase
    from cwn_ocr.ocr.raster import pdfium_available

    if pdfium_available():
        # the captions' GBK font drawn by pdfium, as the page means it (poppler draws it as Latin-1
        # mojibake): the known Chinese anchors every code, no code stays unknown, no page is OCRed
        assert all(f["unknown"] == 0 for f in numbered), numbered
        assert squeezed("（A）3，4，5，8 and three microsatellite markers （B）of FHIT gene") in text
        assert not any(page.rasterized for page in result.pages)
        # poppler cut the captions where the GBK font's byte-wise widths overlap its next piece
        # (``3、`` / ``4 、`` / …, the English one's halves swapped): one line each again
        lines = [squeezed(line) for line in result.text.splitlines()]
        assert squeezed("FHIT 基因外显子 3、4、5、8 和微卫星灶的 PCR 扩增产物琼脂糖电泳图") in lines
        assert squeezed("Agarose electrophoresis of PCR products of exon （A）3，4，5，8 and three "
                        "microsatellite markers （B）of FHIT gene") in lines


def test_an_ordinary_font_is_not_taken_for_one_numbered_by_first_use() -> None:
    from cwn_ocr.fonts.order import numbered_by_first_use

    text = b"Forest cover rose from 41.6% to 60.8%!"
    assert not numbered_by_first_use(list(text))
    assert numbered_by_first_use([33 + i for i in range(8)] * 3)
    assert not numbered_by_first_use([33, 34, 35, 36, 37])  # five codes in a row could be anything


@pytest.mark.tesseract
def test_glyph_numbers_of_chinese_subsets_read_as_plain_latin_are_learned_and_formulas_kept(tmp_path: Path) -> None:
    """MinerU's garbled_formula: dozens of simple SimSun/KaiTi/FangSong subsets without /Encoding or
    ToUnicode, a few glyphs each. Some read as plausible Latin-1 (``Ø” x 1 = 0 ½``, ``B``, ``8``): their
    em-wide /Widths show the codes are glyph numbers. Learned from the page image (a run whose italic
    ``x`` the reading drops still pairs), each line decodes with the formula's own characters kept."""
    pdf = ROOT.parent / "shared" / "real-more" / "mineru__garbled_formula.pdf"
    if not pdf.is_file():
        pytest.skip(f"{pdf.parent} is absent (the shared real PDFs)")
    assert "不妨设" not in layer_text(pdf)
    result = repair_pdf(pdf, cache_dir=tmp_path / "cache")
    text = squeezed(result.text)
    for phrase in ("不妨设 x 1 = 0 或 x 1 + x 2 = 0.", "由归纳假设, 原不等式成立.",
                   "对 (x 1 , x 2 ), (x 3 , · · · , x n ) 分别用归纳假设知"):
        assert squeezed(phrase) in text, phrase


def test_a_font_of_a_registered_collection_that_is_not_embedded_is_no_broken_font() -> None:
    """pdfminer's kampo.pdf: Ryumin-Light and GothicBBB under Identity-H/V with the Adobe-Japan1
    collection, not embedded, no ToUnicode: each CID is a character by the collection's own table, which
    poppler reads. Taken for a missing map, its codes were learned from the page image and a correct
    Japanese page was rewritten (道路を横断してはならないこと -> 道路套横断了过女总女心三E)."""
    from cwn_ocr.fonts.classify import MISSING, SOUND, classify
    from cwn_ocr.fonts.inventory import FontRef

    ryumin = FontRef("11 0", "/G1", "Ryumin-Light-Identity-V", "/Type0", "/Identity-V", "/CIDFontType0",
                     "Adobe-Japan1")
    assert classify(ryumin) == SOUND
    embedded = FontRef("12 0", "/G2", "ABCDEF+Ryumin-Light", "/Type0", "/Identity-H", "/CIDFontType2",
                       "Adobe-Japan1", program="/FontFile2")  # its CIDs may be glyph ids of its own
    assert classify(embedded) == MISSING
    assert classify(FontRef("13 0", "/G3", "ABCDEF+Song", "/Type0", "/Identity-H", "/CIDFontType0",
                            "Adobe-Identity")) == MISSING


def test_a_page_in_vertical_writing_is_not_read_from_its_image() -> None:
    """The OCR reads horizontal lines: a page set in vertical writing (a -V CMap) keeps its layer
    (pdfminer's kampo: read from the image, 159 correct lines became what OCR made of its columns)."""
    from cwn_ocr.layer.provenance import FontInfo, PageProvenance
    from cwn_ocr.model import BBox, Label, Line, Page, Verdict
    from cwn_ocr.run.pipeline import PageScan, _ocr_reason

    page = Page(1, 595, 842, (Line("平成 ™— 年 › 月", BBox(0, 0, 10, 100)),))
    garbled = (Verdict(Label.GARBLED, 1.0, ("stray symbol",)),)
    vertical = PageProvenance(1, 10, 0, False, (FontInfo("/G2", "Ryumin-Light-Identity-V", False, False,
                                                         vertical=True),))
    assert _ocr_reason(PageScan(page, garbled, vertical), "sample") is None
    horizontal = PageProvenance(1, 10, 0, False, (FontInfo("/G1", "Ryumin-Light-Identity-H", False, False),))
    assert _ocr_reason(PageScan(page, garbled, horizontal), "sample") == "garbled"
    scanned = PageProvenance(1, 0, 10, True, vertical.fonts)  # an earlier OCR's invisible text over a scan
    assert _ocr_reason(PageScan(page, garbled, scanned), "sample") == "garbled"


def test_a_page_the_broken_font_draws_on_outside_the_pages_sent_is_decoded_whole(tmp_path: Path) -> None:
    """The fonts' maps are recovered from the pages sent (here page 1), and every page the fonts draw on is
    decoded; a code the other pages alone use must be in the decoding map too. Before, page 2's ideographs
    that page 1 lacks were dropped (the stress corpus's seed 5, permuted_tounicode_01: ``Unix中的 ``ls -l''
    类似`` came out ``nix中的 ls -l 类``)."""
    from fpdf import FPDF

    from cwn_ocr.fonts.recover import recover_fonts
    from cwn_ocr.layer.textlayer import read_text_layer

    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not noto.is_file():
        pytest.skip("fonts-noto-cjk is not installed")
    pdf = FPDF()
    pdf.add_font("noto", fname=str(noto), collection_font_number=2)
    for line in ("安顺市生态环境状况公报", "贵阳湿地公园建设规划"):
        pdf.add_page()
        pdf.set_font("noto", size=14)
        pdf.text(20, 30, line)
    pdf.output(str(tmp_path / "two.pdf"))
    broken = tmp_path / "swapped.pdf"
    with_cjk_map(tmp_path / "two.pdf", broken, swapped)
    layer = {page.number: page for page in read_text_layer(broken)}

    def never(boxes: object, lang: str) -> list[tuple[str, float]]:
        raise AssertionError("a byte-swapped map needs no page image")

    recovery = recover_fonts(broken, layer, {1}, lang="chi_sim+eng", read=never)
    assert ["".join(line.text.split()) for line in recovery.pages[2].lines] == ["贵阳湿地公园建设规划"]


def test_a_legacy_fonts_two_digit_page_numbers_stay_on_their_lines(tmp_path: Path) -> None:
    """A table of contents in a non-embedded GBK font under /WinAnsiEncoding (pdf.js XiaoBiaoSong): each
    character its own string of two bytes, the page number's full-width digits half an em apart. Read a
    byte at a time, each byte with its own width, the second digit overlaps the first by more than half
    of it, and poppler gave it a line of its own (``１３`` came out as ``１`` and a line ``３``)."""
    name = "".join(f"#{b:02X}" for b in "宋体".encode("gbk"))
    entries = [("对独立自主的山地游击战争的解释", "１１"), ("南方游击区谈判改编时应坚持的方针", "１３"),
               ("关于敌情判断及八路军的战略部署", "１５")]
    size, ops = 12.0, [([], pikepdf.Operator("BT")), ([pikepdf.Name("/F1"), 12], pikepdf.Operator("Tf")),
                       ([60, 700], pikepdf.Operator("Td"))]
    for title, number in entries:
        chars = list(title + "……………")
        for char in chars:
            ops += [([pikepdf.String(char.encode("gbk") + b" ")], pikepdf.Operator("Tj")),
                    ([size, 0], pikepdf.Operator("Td"))]
        ops += [([pikepdf.String(number[0].encode("gbk") + b" ")], pikepdf.Operator("Tj")),
                ([size / 2, 0], pikepdf.Operator("Td")),
                ([pikepdf.String(number[1].encode("gbk") + b" ")], pikepdf.Operator("Tj")),
                ([-(len(chars) * size + size / 2), -20], pikepdf.Operator("Td"))]
    ops.append(([], pikepdf.Operator("ET")))
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Object.parse(
        f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 /LastChar 255 "
        f"/Widths [{' '.join(['500'] * 256)}] /Encoding /WinAnsiEncoding >>".encode("latin-1")))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
    pdf.save(tmp_path / "toc.pdf")
    assert "£±" in layer_text(tmp_path / "toc.pdf")  # GBK bytes read as Latin-1
    result = repair_pdf(tmp_path / "toc.pdf", cache_dir=tmp_path / "cache")
    lines = [squeezed(line) for line in result.text.splitlines() if line.strip()]
    assert lines == [squeezed(title + "……………" + number) for title, number in entries]
    assert "  " not in result.text  # each string's space byte and a word break beside it made two


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.tesseract
def test_a_map_sending_glyphs_the_text_never_draws_to_one_character_proves_no_line_wrong(tmp_path: Path) -> None:
    """pymupdf test_3197: a Type3 font's ToUnicode sends ten glyphs to U+0000 (only ActualText spans draw
    them), so the map as a whole sends many glyphs to one character; every code the text draws has a
    character of its own. That proof is about glyphs the text never shows: the page stays a broken font's,
    but ``unattributed``: a line nothing flags changes only where two engines read it otherwise. The same map
    with its letters shifted by 29 (``7KH`` for ``The``: wrong where the text draws it) is still repaired from
    the image. (Rows of ticker symbols flagged "no word" are still read as one row: test_3197's cards.)"""
    from fpdf import FPDF

    if not DEJAVU.is_file():
        pytest.skip(f"{DEJAVU} is not installed (make setup installs fonts-dejavu-core)")
    document = FPDF(orientation="L")
    document.add_page()
    document.add_font("dejavu", fname=str(DEJAVU))
    document.set_font("dejavu", size=9)
    document.text(10, 20, "Related Tickers")
    tickers = [("GM", "General Motors", "39.49 +1.23%"), ("RIVN", "Rivian Automotive, Inc.", "15.39 -3.15%"),
               ("STLA", "Stellantis N.V.", "25.63 +0.91%"), ("LCID", "Lucid Group, Inc.", "3.7000 +0.54%"),
               ("XPEV", "XPeng Inc.", "9.08 +0.89%"), ("FSR", "Fisker Inc.", "0.5579 -11.46%")]
    for i, lines in enumerate(tickers):
        for j, line in enumerate(lines):
            document.text(10 + 40 * i, 35 + 5 * j, line)
    document.set_font("dejavu", size=14)
    document.text(10, 80, "The quick brown fox jumps over the lazy dog")
    plain = tmp_path / "plain.pdf"
    document.output(str(plain))

    def with_map(name: str, change: Callable[[str], str]) -> Path:
        with pikepdf.open(plain) as source:
            [font] = list_fonts(source).values()
            assert font.to_unicode
            mapping = {**{code: change(text) for code, text in font.to_unicode.items()},
                       **{max(font.to_unicode) + 1 + k: "\x00" for k in range(40)}}
            source.get_object(tuple(int(x) for x in font.key.split())).ToUnicode = source.make_stream(
                tounicode_cmap(mapping, code_bytes=font.code_bytes))
            source.save(tmp_path / name)
        return tmp_path / name

    result = repair_pdf(with_map("unused-to-nul.pdf", lambda text: text), cache_dir=tmp_path / "cache")
    [page] = result.pages
    assert page.scan.provenance and page.scan.provenance.fonts[0].broken  # the map alone proves it broken
    assert page.scan.unattributed
    for text in ("The quick brown fox jumps over the lazy dog", "Rivian Automotive, Inc.", "0.5579 -11.46%"):
        assert text in result.text
    shifted = with_map("shifted.pdf", lambda text: chr(ord(text) - 29) if text.isalpha() else text)
    assert "7KH TXLFN" in layer_text(shifted)
    result = repair_pdf(shifted, cache_dir=tmp_path / "cache")
    assert "The quick brown fox jumps over the lazy dog" in result.text and "7KH" not in result.text


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def unicode_cid_pdf(path: Path, lines: tuple[str, ...]) -> Path:
    """Lines in DejaVu Sans as a composite font whose CIDs are the characters' Unicode numbers (a CIDToGIDMap
    sends each to its glyph) and whose ``/ToUnicode`` is the name ``/Identity-H``, as pdfminer's
    issue-625-identity-cmap.pdf (a Polish invoice) has it: poppler and pdf.js read each code as its character."""
    from fontTools.ttLib import TTFont

    if not DEJAVU.is_file():
        pytest.skip(f"{DEJAVU} is not installed (make setup installs fonts-dejavu-core)")
    font = TTFont(str(DEJAVU))
    cmap, scale = font.getBestCmap(), 1000 / font["head"].unitsPerEm
    gids = bytearray(2 * 0x10000)
    widths = []
    for char in sorted(set("".join(lines))):
        gid = font.getGlyphID(cmap[ord(char)])
        gids[2 * ord(char):2 * ord(char) + 2] = gid.to_bytes(2, "big")
        widths += [ord(char), [round(font["hmtx"][cmap[ord(char)]][0] * scale)]]
    pdf = pikepdf.new()
    descendant = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/DejaVuSans"),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/DejaVuSans"), Flags=32,
            FontBBox=[-1021, -463, 1793, 1232], ItalicAngle=0, Ascent=928, Descent=-236, CapHeight=729, StemV=80,
            FontFile2=pdf.make_stream(DEJAVU.read_bytes()))),
        CIDToGIDMap=pdf.make_stream(bytes(gids)), W=widths, DW=600))
    type0 = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/DejaVuSans"),
                               Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[descendant],
                               ToUnicode=pikepdf.Name("/Identity-H"))
    content = "".join(f"BT /F1 12 Tf 72 {760 - 20 * i} Td <{line.encode('utf-16-be').hex()}> Tj ET\n"
                      for i, line in enumerate(lines))
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pdf.make_indirect(type0)))
    pdf.pages[0].Contents = pdf.make_stream(content.encode())
    pdf.save(path)
    return path


INVOICE = ("Faktura nr FV 1/2021", "Sprzedawca: Kacza 11/2, 91-504 Łódź", "Data sprzedaży: 2021-04-26",
           "Termin płatności: 2021-05-03", "Metoda płatności: przelew", "Nabywca: Wirtualna Polska Media Spółka",
           "ul. Żwirki i Wigury 16, 02-092 Warszawa", "1 Testy Książę szt. 1", "2 Dokumentacja - żółw szt. 2",
           "Wartość netto 121,00 Do zapłaty 148,83 PLN", "Słownie: sto czterdzieści osiem złotych 83/100")


@pytest.mark.tesseract
def test_a_map_named_identity_reads_each_code_as_its_character_and_the_page_stays(tmp_path: Path) -> None:
    """``/ToUnicode /Identity-H``, a name where a map is due, had been taken for an empty map: the font's codes
    were learned from the page image, whose OCR reads no Polish (``Łódź`` became ``todz``, 42 lines of
    pdfminer's issue-625 made wrong), and ``żółw`` was flagged as rare ideographs. Both are what poppler reads."""
    pdf = unicode_cid_pdf(tmp_path / "invoice.pdf", INVOICE)
    assert layer_text(pdf).split() == " ".join(INVOICE).split()  # poppler reads the codes as the characters
    [font] = [f for f in list_fonts(pikepdf.open(pdf)).values()]
    assert font.to_unicode is not None and font.to_unicode[ord("Ł")] == "Ł"
    result = repair_pdf(pdf, cache_dir=tmp_path / "cache")
    assert not result.pages[0].rasterized and not result.fonts.to_list()
    assert result.text.split() == " ".join(INVOICE).split()
