"""Read a PDF's embedded text as pages of lines with boxes, through poppler's ``pdftotext``.

Why poppler: pdf2image needs poppler anyway, ``pdftotext -bbox-layout`` gives reading
order, lines and words with boxes in one subprocess per document, and its plain
``pdftotext`` output is what most downstream extractors see, so "the layer" means
the same thing here as it does for them.

The XHTML is parsed with regular expressions rather than an XML parser on purpose:
broken fonts put control characters into the text, which are not legal XML, and a
text layer must be read exactly as stored, not rejected.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from cwn_ocr.errors import BadInputError, MissingDependencyError, PasswordError
from cwn_ocr.model import BBox, Line, Page, Word

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
_WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', re.S
)


def parse_bbox_layout(xhtml: str) -> list[Page]:
    """Parse the output of ``pdftotext -bbox-layout`` into pages of lines.

    >>> doc = ('<page width="200.0" height="50.0"><flow><block><line xMin="1" yMin="2" xMax="9" '
    ...        'yMax="8"><word xMin="1" yMin="2" xMax="4" yMax="8">A&amp;B</word>'
    ...        '<word xMin="5" yMin="2" xMax="9" yMax="8">\\x04</word></line></block></flow></page>')
    >>> page = parse_bbox_layout(doc)[0]
    >>> page.lines[0].text, page.lines[0].bbox
    ('A&B \\x04', BBox(x0=1.0, y0=2.0, x1=9.0, y1=8.0))
    """
    pages = []
    for number, (width, height, body) in enumerate(_PAGE.findall(xhtml), start=1):
        lines = []
        for line_body in _LINE.findall(body):
            words = tuple(
                Word(html.unescape(text), BBox(float(x0), float(y0), float(x1), float(y1)))
                for x0, y0, x1, y1, text in _WORD.findall(line_body)
            )
            if words:
                lines.append(Line.from_words(words))
        pages.append(Page(number, float(width), float(height), tuple(lines)))
    return pages


def read_text_layer(pdf: Path, *, password: str | None = None, timeout: float = 120) -> list[Page]:
    """Every page of ``pdf`` as lines in reading order (an empty page has no lines)."""
    cmd = ["pdftotext", "-bbox-layout", "-enc", "UTF-8"]
    if password:
        cmd += ["-upw", password, "-opw", password]
    cmd += [str(pdf), "-"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise MissingDependencyError(
            "pdftotext (poppler) is not installed",
            advice="install it with: apt-get install poppler-utils (or run `make setup`)",
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise BadInputError(f"reading the text layer took longer than {timeout:.0f} s", path=pdf) from exc
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        if "Incorrect password" in stderr or "ncrypt" in stderr:
            raise PasswordError(pdf)
        if "Invalid page count 0" in stderr:
            raise BadInputError("the PDF has no pages", path=pdf)
        raise BadInputError(f"poppler cannot read it as a PDF ({_first_line(stderr)})", path=pdf)
    pages = parse_bbox_layout(proc.stdout.decode("utf-8", "surrogateescape"))
    if not pages:
        raise BadInputError("the PDF has no pages", path=pdf)
    return pages


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "no message"
