"""A scanned page in a script the OCR languages do not read keeps its layer (``ocr.script``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from cwn_ocr import repair_pdf
from cwn_ocr.merge.splice import Source
from cwn_ocr.ocr import script
from cwn_ocr.ocr.tessdata import osd_tessdata

pytestmark = [pytest.mark.poppler]

SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

RUSSIAN = """Город расположен в долине реки, окружённой лесистыми холмами.
Площадь охраняемых природных территорий составляет около двенадцати
процентов всей земли района. Каждый год весной жители высаживают
деревья вдоль набережной и в новых парках на окраинах города.
Городской совет утвердил программу сохранения редких видов птиц,
которые гнездятся в камышах на берегу озера. Сведения о численности
собирают добровольцы два раза в год, весной и осенью, и передают
их в научный отдел заповедника для дальнейшей обработки и отчётов.
Строительство новых дорог через лесные участки запрещено правилами
застройки. Вода в реке проверяется ежемесячно в трёх точках отбора."""

FRENCH = """La ville se trouve dans une vallée entourée de collines boisées.
Les espaces naturels protégés couvrent environ douze pour cent de
la surface du district. Chaque printemps, les habitants plantent des
arbres le long des quais et dans les nouveaux parcs de la périphérie.
Le conseil municipal a adopté un programme de protection des oiseaux
rares qui nichent dans les roseaux au bord du lac. Des bénévoles
comptent les couples deux fois par an, au printemps et en automne,
et transmettent leurs relevés au service scientifique de la réserve.
La construction de routes à travers les forêts est interdite par le
règlement. L'eau de la rivière est analysée chaque mois en trois points."""


def _scan_with_english_layer(text: str, tmp_path: Path, name: str) -> Path:
    """``text`` printed at 300 dpi, with the invisible layer Tesseract's English model makes of it (as the
    tool that made pdf.js issue12963's Russian form did)."""
    if not SERIF.is_file():
        pytest.skip(f"{SERIF} is absent (Debian's fonts-dejavu-core)")
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(SERIF), 46)
    for i, line in enumerate(text.splitlines()):
        draw.text((200, 300 + i * 80), line, font=font, fill=0)
    image = tmp_path / f"{name}.png"
    page.save(image, dpi=(300, 300))
    base = tmp_path / name
    # (the system's data: the pinned folder has no ``configs/pdf``)
    subprocess.run(["tesseract", str(image), str(base), "-l", "eng", "--dpi", "300", "pdf"], check=True,
                   capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return base.with_suffix(".pdf")


@pytest.mark.tesseract
def test_a_russian_scan_under_an_english_ocr_layer_keeps_its_layer(tmp_path: Path) -> None:
    """Read with chi_sim+eng, Cyrillic comes out as Latin look-alikes, which replaced the old layer's lines
    and removed others as "not in the image". The page is refused instead: its layer kept line for line,
    the page failed with the reason and the way out (exit code 4)."""
    if osd_tessdata() is None:
        pytest.skip("no osd.traineddata (Debian's tesseract-ocr-osd)")
    pdf = _scan_with_english_layer(RUSSIAN, tmp_path, "russian")
    result = repair_pdf(pdf, jobs=1, cache_dir=tmp_path / "cache")
    page = result.pages[0]
    assert page.error is not None and "Cyrillic" in page.error and "--lang" in page.error
    assert page.lines and not any(line.changed for line in page.lines)
    assert not any(line.source == Source.REMOVED for line in page.lines)
    assert result.failed_pages == [1]
    # the refusal is cached: a second run refuses the page at once, not after reading it again
    again = repair_pdf(pdf, jobs=1, cache_dir=tmp_path / "cache")
    assert again.pages[0].cached and again.pages[0].error == page.error and again.text == result.text


@pytest.mark.tesseract
def test_a_french_scan_under_an_english_ocr_layer_is_read(tmp_path: Path) -> None:
    """Few of a French page's words are English ones, so the page image is asked which script it is in:
    Latin, which the English model reads: the page is read as before (a guard against false refusals; the code
    before the check read it too)."""
    pdf = _scan_with_english_layer(FRENCH, tmp_path, "french")
    result = repair_pdf(pdf, jobs=1, cache_dir=tmp_path / "cache")
    page = result.pages[0]
    assert page.error is None and page.rasterized
    assert "vallée" in page.text or "vallee" in page.text


def test_without_the_detectors_data_no_page_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``osd.traineddata``: the detector cannot say, and the page is read as before."""
    monkeypatch.setattr(script, "osd_tessdata", lambda: None)
    assert script.detect_script(np.full((100, 100), 255, np.uint8), 10) is None


def test_a_language_not_known_here_refuses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The detector (made to name Cyrillic here) is asked only about languages whose scripts are known."""
    monkeypatch.setattr(script, "detect_script", lambda image, timeout: ("Cyrillic", 9.0))
    image, box = np.full((400, 800), 255, np.uint8), script.BBox(10, 10, 790, 390)
    reading = ["ecnu (cTp. 130 - CTp. 140) pasa. 2.1.1 - cTp. 160 nepuon kaneHnapHbln roa no cpoky"] * 3
    assert script.foreign_script(image, [box], reading, "eng+xyz", 10) is None
    assert "Cyrillic" in (script.foreign_script(image, [box], reading, "chi_sim+eng", 10) or "")
    assert script.foreign_script(image, [box], reading, "rus+eng", 10) is None


def test_a_half_of_the_page_named_a_script_the_languages_read_refuses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The detector's false alarms come on little text: a second opinion on each half of it must not name a
    script the languages read (a half it cannot say anything about is no such opinion)."""
    image, box = np.full((400, 800), 255, np.uint8), script.BBox(10, 10, 790, 390)
    reading = ["ecnu (cTp. 130 - CTp. 140) pasa. 2.1.1 - cTp. 160 nepuon kaneHnapHbln roa no cpoky"] * 3
    answers = iter([("Cyrillic", 9.0), ("Cyrillic", 4.0), ("Latin", 5.0)])
    monkeypatch.setattr(script, "detect_script", lambda image, timeout: next(answers))
    assert script.foreign_script(image, [box], reading, "chi_sim+eng", 10) is None
    answers = iter([("Cyrillic", 9.0), None, ("Cyrillic", 1.0)])
    assert "Cyrillic" in (script.foreign_script(image, [box], reading, "chi_sim+eng", 10) or "")


def test_a_crop_off_the_image_asks_nothing_and_fails_nothing() -> None:
    """Boxes beyond the image's edges (a reading's box in a margin) give an empty or clamped crop, never an error."""
    image = np.full((100, 100), 255, np.uint8)
    reading = ["ecnu (cTp. 130 - CTp. 140) pasa. 2.1.1 - cTp. 160 nepuon kaneHnapHbln roa no cpoky"] * 3
    for box in (script.BBox(300, 300, 400, 400), script.BBox(-400, -400, -300, -300)):
        assert script.foreign_script(image, [box], reading, "chi_sim+eng", 10) is None
