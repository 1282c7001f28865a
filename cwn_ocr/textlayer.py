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
import tempfile
import threading
import time
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


class PendingLayer:
    """``pdftotext -bbox-layout`` started on a PDF; ``result()`` waits for it and parses its output.

    Poppler writes to a temporary file, so it runs to the end while the caller does other work
    (the CLI starts it before it imports the rest of cwn-ocr: the two take about as long).
    ``close()`` (or leaving the ``with`` block) stops it and removes the file.

    >>> with PendingLayer(Path("samples/clean_english.pdf")) as pending:
    ...     [len(page.lines) > 0 for page in pending.result()]
    [True, True]
    """

    def __init__(self, pdf: Path, *, password: str | None = None, timeout: float = 120) -> None:
        self.pdf, self.timeout = Path(pdf), timeout
        self._started = time.monotonic()
        self._closing = threading.Lock()
        self._folder = tempfile.TemporaryDirectory(prefix="cwn-ocr-layer-")
        self._output = Path(self._folder.name) / "layer.html"
        cmd = ["pdftotext", "-bbox-layout", "-enc", "UTF-8"]
        if password:
            cmd += ["-upw", password, "-opw", password]
        cmd += [str(self.pdf), str(self._output)]
        # stderr to a file too: a damaged PDF can make poppler write more warnings than a pipe holds
        self._stderr = (Path(self._folder.name) / "stderr").open("w+b")
        self._pages: list[Page] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr)
        except FileNotFoundError as exc:
            self.close()
            raise MissingDependencyError(
                "pdftotext (poppler) is not installed",
                advice="install it with: apt-get install poppler-utils (or run `make setup`)",
            ) from exc

    def result(self) -> list[Page]:
        """Every page as lines in reading order (an empty page has no lines)."""
        if self._pages is not None:
            return self._pages
        if self._proc is None:
            raise RuntimeError("the text layer's reading was closed before its result was taken")
        try:
            returncode = self._proc.wait(timeout=max(0.0, self.timeout - (time.monotonic() - self._started)))
        except subprocess.TimeoutExpired as exc:
            self.close()
            raise BadInputError(f"reading the text layer took longer than {self.timeout:.0f} s", path=self.pdf) from exc
        try:
            self._stderr.seek(0)
            stderr = self._stderr.read().decode("utf-8", "replace")
            if returncode != 0:
                if "Incorrect password" in stderr or "ncrypt" in stderr:
                    raise PasswordError(self.pdf)
                if "Invalid page count 0" in stderr:
                    raise BadInputError("the PDF has no pages", path=self.pdf)
                raise BadInputError(f"poppler cannot read it as a PDF ({_first_line(stderr)})", path=self.pdf)
            pages = parse_bbox_layout(self._output.read_bytes().decode("utf-8", "surrogateescape"))
        finally:
            self.close()
        if not pages:
            raise BadInputError("the PDF has no pages", path=self.pdf)
        self._pages = pages
        return pages

    def close(self) -> None:
        """Stop poppler if it still runs and remove its files (idempotent; the caller's thread may
        close while another waits in ``result()``, which then fails)."""
        with self._closing:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
            if not self._stderr.closed:
                self._stderr.close()
            self._folder.cleanup()

    def __enter__(self) -> PendingLayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_text_layer(pdf: Path, *, password: str | None = None, timeout: float = 120) -> list[Page]:
    """Every page of ``pdf`` as lines in reading order (an empty page has no lines)."""
    with PendingLayer(pdf, password=password, timeout=timeout) as pending:
        return pending.result()


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "no message"
