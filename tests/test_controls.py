"""Real PDFs nobody here made (../shared/real-more): correct layers chosen to trap a tool that judges
text by its looks (Greek capitals, full-width Latin, ``°C`` beside ``℃``, Wingdings bullets as
private-use characters, U+0007 after bullets, ``〇``, Ext-B names, vertical Japanese, old kanji,
emoji) must come out unchanged; the broken ones must be repaired where the text allows."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from cwn_ocr import repair_pdf, scan_pdf
from tests.conftest import ROOT

REAL_MORE = ROOT.parent / "shared" / "real-more"
TRUTH = REAL_MORE / "ground_truth.json"

pytestmark = [pytest.mark.skipif(not TRUTH.is_file(), reason=f"{REAL_MORE} is absent (the shared real PDFs)"),
              pytest.mark.poppler]


def _cases(kind: str) -> list[str]:
    if not TRUTH.is_file():
        return []
    return sorted(name for name, case in json.loads(TRUTH.read_text("utf-8")).items() if case["kind"] == kind)


def _squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.parametrize("name", _cases("control"))
def test_scan_calls_every_control_page_clean(name: str) -> None:
    scan = scan_pdf(REAL_MORE / name)
    assert [page.label.value for page in scan.pages] == ["clean"] * len(scan.pages)


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.parametrize("name", _cases("control"))
def test_a_control_comes_out_unchanged_with_the_sample_check_on(name: str, tmp_path: Path) -> None:
    result = repair_pdf(REAL_MORE / name, cache_dir=tmp_path)
    changed = [(line.original, line.text) for page in result.pages for line in page.lines if line.changed]
    assert changed == []
    assert result.settings["verify"] == "sample"


@pytest.mark.tesseract
def test_a_map_that_gives_each_glyph_twice_is_read_once(tmp_path: Path) -> None:
    """pdf.js issue 11066: 子 mapped to <2F26 5B50> (Kangxi radical and ideograph) and 大 likewise;
    the page also quotes a genuinely doubled string, which must stay doubled."""
    text = _squeezed(repair_pdf(REAL_MORE / "pdfjs__issue11066.pdf", cache_dir=tmp_path).text)
    assert "电子科技大学" in text
    assert _squeezed('will become "电子子科技大大学".') in text
    assert "⼦" not in text and "⼤" not in text


@pytest.mark.tesseract
def test_gbk_codes_drawn_as_latin1_mojibake_are_decoded(tmp_path: Path) -> None:
    """pdf.js issue 20489: a GBK-named font under WinAnsi; poppler reads and draws ``±±¶·ÐÇ``, so
    the page image cannot help: the bytes can."""
    result = repair_pdf(REAL_MORE / "pdfjs__issue20489.pdf", cache_dir=tmp_path)
    assert "北斗星" in result.text
    assert [line.source for page in result.pages for line in page.lines if line.changed] == ["fontmap"]
    [font] = result.fonts.to_list()
    assert font["map_before"] == "legacy multibyte" and font["encoding"] == "gb18030" and font["lines_read"] == 0
    assert not any(page.rasterized for page in result.pages)


@pytest.mark.tesseract
def test_symbol_and_zapfdingbats_text_stays_as_the_standard_fonts_give_it(tmp_path: Path) -> None:
    """The 14 standard fonts, not embedded, in their own encodings: their text is fixed by the PDF standard.
    ZapfDingbats' ``✴❈❅ ❑◆❉❃❋`` looks like garbage and no OCR reads it (it was replaced by ``米口米米口□■□``),
    and Symbol's Greek and marks with it (pdf.js standard_fonts, pages 13 and 14)."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    for font, text in (("helvetica", "Symbol and ZapfDingbats, as the standard has them:"),
                       ("symbol", "abgdp < = >"), ("zapfdingbats", "The quick brown fox")):
        pdf.set_font(font, size=14)
        pdf.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
    source = tmp_path / "standard.pdf"
    pdf.output(str(source))
    result = repair_pdf(source)
    assert result.changed_characters == 0 and not any(page.rasterized for page in result.pages)
    assert "✴❈❅ ❑◆❉❃❋ ❂❒❏◗■ ❆❏❘" in result.text and "αβγδπ" in result.text


@pytest.mark.tesseract
def test_a_page_in_a_form_with_a_standard_font_stamp_is_still_judged_by_its_forms_fonts(tmp_path: Path) -> None:
    """A stamping tool's page: the original drawn as a Form XObject, its page number set beside it in
    Helvetica. The page's own fonts are all standard, the form's are not: its wrong map is still found and
    decoded (a page "in standard fonts alone" kept the wrong text as clean)."""
    pikepdf = pytest.importorskip("pikepdf")
    source = tmp_path / "stamped.pdf"
    with pikepdf.open(ROOT / "samples" / "no_tounicode.pdf") as pdf:
        page = pdf.pages[0]
        page.contents_coalesce()
        form = pdf.make_stream(page.obj.Contents.read_bytes(), Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Form, BBox=page.mediabox, Resources=page.obj.Resources)
        helvetica = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                         BaseFont=pikepdf.Name.Helvetica,
                                                         Encoding=pikepdf.Name.WinAnsiEncoding))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(H1=helvetica),
                                                XObject=pikepdf.Dictionary(Fm1=form))
        page.obj.Contents = pdf.make_stream(b"q /Fm1 Do Q\nBT /H1 9 Tf 280 20 Td (Page 1 of 1) Tj ET\n")
        pdf.save(source)
    plain = repair_pdf(ROOT / "samples" / "no_tounicode.pdf")
    stamped = repair_pdf(source)
    assert stamped.changed_characters > 0 and stamped.count("kept") == 0
    assert plain.text.split()[:5] == stamped.text.split()[:5]
