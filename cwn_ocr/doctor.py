"""``cwn-ocr doctor``: is everything the pipeline needs installed? Says what to install when not."""

from __future__ import annotations

import shutil
import subprocess

from rich.console import Console

from cwn_ocr.errors import ExitCode
from cwn_ocr.tessdata import REQUIRED_LANGUAGES, find_tessdata


def _version(cmd: list[str]) -> str | None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (proc.stdout + proc.stderr).strip().splitlines()
    return text[0] if text else None


def run_doctor(console: Console) -> int:
    problems = 0
    checks = [
        ("tesseract", ["tesseract", "--version"], "apt-get install tesseract-ocr"),
        ("pdftotext (poppler)", ["pdftotext", "-v"], "apt-get install poppler-utils"),
        ("pdftoppm (poppler)", ["pdftoppm", "-v"], "apt-get install poppler-utils"),
    ]
    for name, cmd, fix in checks:
        found = shutil.which(cmd[0]) and _version(cmd)
        if found:
            console.print(f"[green]ok[/]      {name}: {found}")
        else:
            problems += 1
            console.print(f"[red]missing[/] {name}: install it with `{fix}` (or run `make setup`)")
    data = find_tessdata()
    for lang in REQUIRED_LANGUAGES:
        if lang in data.languages:
            console.print(f"[green]ok[/]      language {lang}: {data.directory / (lang + '.traineddata')}"
                          f" ({data.origin})")
        else:
            problems += 1
            package = "tesseract-ocr-" + lang.replace("_", "-")
            console.print(f"[red]missing[/] language {lang}: install it with `apt-get install {package}`")
    return int(ExitCode.OK if not problems else ExitCode.MISSING_DEPENDENCY)
