"""Where Tesseract's language data comes from: the repository's pinned ``tessdata/`` when it
holds the languages asked for, the system's data otherwise.

Results in bench/RESULTS.md are measured with the pinned files (see tessdata/README.md), so
a run anywhere reads Chinese the same way.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cwn_ocr.errors import MissingDependencyError

REQUIRED_LANGUAGES = ("chi_sim", "eng")
PINNED = Path(__file__).resolve().parents[2] / "tessdata"


@dataclass(frozen=True)
class Tessdata:
    directory: Path
    languages: frozenset[str]
    origin: str  # "pinned" or "system"


def _languages_in(directory: Path) -> frozenset[str]:
    if not directory.is_dir():
        return frozenset()
    return frozenset(p.name.removesuffix(".traineddata") for p in directory.glob("*.traineddata"))


@lru_cache(maxsize=1)
def _system_tessdata() -> Path | None:
    env = os.environ.get("TESSDATA_PREFIX")
    if env and Path(env).is_dir():
        return Path(env)
    try:
        proc = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    first = (proc.stdout or proc.stderr).splitlines()[:1]
    if first and '"' in first[0]:
        return Path(first[0].split('"')[1])
    return None


def find_tessdata(languages: tuple[str, ...] = REQUIRED_LANGUAGES) -> Tessdata:
    """The pinned data when it has every language asked for, else the system's."""
    pinned = _languages_in(PINNED)
    if set(languages) <= pinned:
        return Tessdata(PINNED, pinned, "pinned")
    system = _system_tessdata()
    if system is not None:
        return Tessdata(system, _languages_in(system), "system")
    return Tessdata(PINNED, pinned, "pinned")


def osd_tessdata() -> Path | None:
    """The folder holding ``osd.traineddata`` (Tesseract's script detection, Debian's ``tesseract-ocr-osd``,
    which ``tesseract-ocr`` depends on): the pinned folder's, else the system's; None when neither has it."""
    for folder in (PINNED, _system_tessdata()):
        if folder is not None and (folder / "osd.traineddata").is_file():
            return folder
    return None


def require_languages(lang: str) -> Tessdata:
    """The tessdata to use for ``lang`` ("chi_sim+eng"), or a clear error naming what is missing."""
    wanted = tuple(lang.split("+"))
    data = find_tessdata(wanted)
    missing = [w for w in wanted if w not in data.languages]
    if missing:
        packages = " ".join("tesseract-ocr-" + m.replace("_", "-") for m in missing)
        names = ", ".join(missing)
        raise MissingDependencyError(
            f"Tesseract language data for {names} is not installed (looked in {data.directory})",
            advice=f"install it with: apt-get install {packages} (Simplified Chinese is chi_sim)")
    return data
