"""Shared fixtures: paths to the samples, the seeds and the real PDFs in ../shared/real."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from cwn_ocr.layer.charsets import squeeze

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEEDS = ROOT / "tests" / "data" / "seeds"
REAL = ROOT.parent / "shared" / "real"

GARBLED_SAMPLES = ("scan_eng_layer", "no_tounicode", "mixed_pages")
FIXABLE_SAMPLES = ("mojibake_kangxi",)
SUSPECT_SAMPLES = ("wrong_tounicode",)
CLEAN_SAMPLES = ("clean_english", "clean_mixed")
ALL_SAMPLES = GARBLED_SAMPLES + FIXABLE_SAMPLES + SUSPECT_SAMPLES + CLEAN_SAMPLES


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `poppler` or `tesseract` fail (not skip) when the tool is missing:
    `make test` installs them, so a missing tool is a broken set-up, not a reason to pass."""
    for item in items:
        for marker, tool in (("poppler", "pdftotext"), ("tesseract", "tesseract"), ("browser", "chromium")):
            if item.get_closest_marker(marker) and shutil.which(tool) is None:
                item.add_marker(pytest.mark.xfail(reason=f"{tool} is not installed: run `make setup`",
                                                  strict=True, run=False))


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """OCR results are cached under a folder of the test session's, never the user's."""
    os.environ["CWN_OCR_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"{REAL} is absent (the real PDFs live beside the repository, in shared/real)")
    return REAL


def cer(hypothesis: str, reference: str) -> float:
    """Whitespace-insensitive character error rate (as bench/run.py measures it)."""
    hyp, ref = squeeze(hypothesis), squeeze(reference)
    return Levenshtein.distance(hyp, ref) / max(1, len(ref))


def truth_pages(name: str) -> list[str]:
    return (SAMPLES / f"{name}.truth.txt").read_text("utf-8").rstrip("\n").split("\f")
