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
