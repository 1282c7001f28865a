"""A subset with no usable map, cut from a font installed on this machine: each glyph found outline for
outline in the installed font, whose cmap knows its character. Exact, and no page image read; a font
of the same name that draws other outlines (another version, another font) teaches nothing."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest

from cwn_ocr import repair_pdf
from cwn_ocr.fonts.installed import Face, installed_faces, installed_map, named
from cwn_ocr.fonts.inventory import list_fonts
from cwn_ocr.fonts.program import installed_font_map
from tests.conftest import REAL, SAMPLES

pytestmark = [pytest.mark.poppler]
ZEN_HEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TEXT = "其他参考数据，湿地 2.5 km²"


def squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def zen_hei_pdf(path: Path, *, text: str = TEXT, font: Path = ZEN_HEI, name: str = "") -> Path:
    """One line in a subset of ``font`` (fpdf2 renumbers its glyphs and keeps no glyph names), its
    ToUnicode deleted (and its /BaseFont renamed to ``name``): Identity-H codes nothing maps."""
    from fpdf import FPDF

    if not font.is_file():
        pytest.skip(f"{font} is not installed (make setup installs it)")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=16)
    pdf.text(20, 30, text)
    pdf.output(str(path))
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        for ref in list_fonts(doc).values():
            obj = doc.get_object(tuple(int(x) for x in ref.key.split()))
            del obj["/ToUnicode"]
            if name:
                obj.BaseFont = obj.DescendantFonts[0].BaseFont = pikepdf.Name("/ABCDEF+" + name)
        for ref in list_fonts(doc).values():  # the program's own cmap removed too: only outlines are left
            descriptor = doc.get_object(tuple(int(x) for x in ref.key.split())).DescendantFonts[0].FontDescriptor
            from io import BytesIO

            from fontTools.ttLib import TTFont

            program = TTFont(BytesIO(descriptor.FontFile2.read_bytes()))
            del program["cmap"]
            program["post"].formatType = 3.0
            out = BytesIO()
            program.save(out)
            descriptor.FontFile2 = doc.make_stream(out.getvalue())
        doc.save(path)
    return path


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_truetype_subset_of_an_installed_font_is_decoded_from_its_outlines_without_reading_the_page(
        tmp_path: Path) -> None:
    broken = zen_hei_pdf(tmp_path / "zenhei.pdf")
    assert squeezed(TEXT) not in squeezed(pdftotext(broken))
    result = repair_pdf(broken, cache_dir=tmp_path / "cache")
    assert squeezed(result.text) == squeezed(TEXT)
    [font] = result.fonts.to_list()
    assert font["map_before"] == "missing" and font["unknown"] == 0 and font["lines_read"] == 0
    assert any("the installed font WenQuanYiZenHei" in e for e in font["evidence"]), font["evidence"]  # type: ignore
    assert not any(page.rasterized for page in result.pages)


def test_a_cid_keyed_cff_subset_is_decoded_from_the_installed_font(tmp_path: Path) -> None:
    """Noto CJK subsets are bare CID-keyed CFF programs: no cmap, no glyph names, only their CIDs."""
    result = repair_pdf(SAMPLES / "no_tounicode.pdf", cache_dir=tmp_path / "cache")
    cjk = [f for f in result.fonts.to_list() if "NotoSansCJK" in str(f["font"])]
    if not cjk or not any("installed" in e for e in cjk[0]["evidence"]):  # type: ignore[union-attr]
        assert not any(face.postscript == "NotoSansCJKsc-Regular" for face in installed_faces()), cjk
        pytest.skip("Noto Sans CJK SC is not installed (fonts-noto-cjk)")
    truth = (SAMPLES / "no_tounicode.truth.txt").read_text("utf-8")
    assert squeezed(result.text) == squeezed(truth)
    assert cjk[0]["unknown"] == 0 and cjk[0]["lines_read"] == 0
    assert not any(page.rasterized for page in result.pages)


def test_a_font_of_the_same_name_with_other_outlines_teaches_nothing(tmp_path: Path) -> None:
    """DejaVu's glyphs under Zen Hei's name: the installed Zen Hei draws none of them."""
    broken = zen_hei_pdf(tmp_path / "impostor.pdf", text="Other outlines", font=DEJAVU, name="WenQuanYiZenHei")
    with pikepdf.open(broken) as pdf:
        [font] = list_fonts(pdf).values()
        assert [face.postscript for face in named(font.base_font)][:1] == ["WenQuanYiZenHei"]
        assert installed_font_map(pdf, font, range(1, 20)) == ({}, "")


def test_another_version_of_an_installed_font_matches_only_the_glyphs_it_did_not_change() -> None:
    """pdf.js issue3405r embeds WenQuanYi Zen Hei 0.8; Debian installs 0.9, whose Han glyphs were redrawn:
    its Latin letters match, its Han must be read from the page."""
    pdf_path = REAL / "pdfjs__issue3405r.pdf"
    if not pdf_path.is_file():
        pytest.skip(f"{REAL} is absent (the shared real PDFs)")
    with pikepdf.open(pdf_path) as pdf:
        [font] = [f for f in list_fonts(pdf).values() if "ZenHei" in f.base_font]
        known, how = installed_font_map(pdf, font, range(1, 200))
    if not known:
        pytest.skip("WenQuanYi Zen Hei is not installed (fonts-wqy-zenhei)")
    assert "WenQuanYiZenHei" in how and not any("\u4e00" <= c <= "\u9fff" for c in known.values())
    assert {"S", "e", "p", "a", "n", "0", "1"} <= set(known.values())


def test_no_installed_face_of_that_name_no_map() -> None:
    assert named("ABCDEF+SimSun", [Face("/x.ttf", 0, "NotoSansCJKsc-Regular")]) == []
    assert installed_map("ABCDEF+SimSun", object(), {1: "cid00001"}, faces=[]) == ({}, "")
