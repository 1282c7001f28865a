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

from cwn_ocr.errors import BadInputError, MissingDependencyError, OutputError, PasswordError, StoppedError
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
        self._closed = False
        self._pages: list[Page] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        try:
            self._folder = tempfile.TemporaryDirectory(prefix="cwn-ocr-layer-")
        except OSError as exc:
            raise OutputError(f"cannot create a temporary folder ({exc.strerror or exc})",
                              advice="free space in it or point TMPDIR at a writable folder") from exc
        self._output = Path(self._folder.name) / "layer.html"
        # stderr to a file too: a damaged PDF can make poppler write more warnings than a pipe holds.
        # The parent's handle is closed at once, so that forked workers do not inherit it.
        self._stderr = Path(self._folder.name) / "stderr"
        cmd = ["pdftotext", "-bbox-layout", "-enc", "UTF-8"]
        if password:
            cmd += ["-upw", password, "-opw", password]
        cmd += [str(self.pdf), str(self._output)]
        try:
            with self._stderr.open("wb") as stderr:
                self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        except FileNotFoundError as exc:
            self.close()
            raise MissingDependencyError(
                "pdftotext (poppler) is not installed",
                advice="install it with: apt-get install poppler-utils (or run `make setup`)",
            ) from exc
        except OSError as exc:  # not executable, a broken binary
            self.close()
            raise MissingDependencyError(
                f"pdftotext (poppler) cannot be run ({exc.strerror or exc})",
                advice="reinstall it with: apt-get install --reinstall poppler-utils",
            ) from exc

    def result(self) -> list[Page]:
        """Every page as lines in reading order (an empty page has no lines)."""
        if self._pages is not None:
            return self._pages
        proc = self._proc
        if proc is None:
            raise StoppedError("the text layer's reading was stopped before its result was taken", path=self.pdf)
        try:
            returncode = proc.wait(timeout=max(0.0, self.timeout - (time.monotonic() - self._started)))
        except subprocess.TimeoutExpired as exc:
            self.close()
            raise BadInputError(f"reading the text layer took longer than {self.timeout:.0f} s", path=self.pdf) from exc
        try:
            with self._closing:  # close() from another thread cannot remove the files while they are read
                if self._closed:
                    raise StoppedError("the text layer's reading was stopped", path=self.pdf)
                stderr = self._stderr.read_bytes().decode("utf-8", "replace")
                output = self._output.read_bytes() if returncode == 0 else b""
            if returncode != 0:
                if "Incorrect password" in stderr or "ncrypt" in stderr:
                    raise PasswordError(self.pdf)
                if "Invalid page count 0" in stderr:
                    raise BadInputError("the PDF has no pages", path=self.pdf)
                raise BadInputError(f"poppler cannot read it as a PDF ({_first_line(stderr)})", path=self.pdf)
            if not is_complete(output):  # poppler exits 0 when its output could not all be written
                raise OutputError("the text layer could not be written whole to the temporary folder",
                                  path=self.pdf, advice="free space in it or point TMPDIR at a writable folder")
            pages = parse_bbox_layout(output.decode("utf-8", "surrogateescape"))
        finally:
            self.close()
        if not pages:
            raise BadInputError("the PDF has no pages", path=self.pdf)
        self._pages = pages
        return pages

    def close(self) -> None:
        """Stop poppler if it still runs and remove its files (idempotent; the caller's thread may
        close while another waits in ``result()``, which then raises ``StoppedError``)."""
        with self._closing:
            self._closed = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
            self._folder.cleanup()

    def __enter__(self) -> PendingLayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_complete(output: bytes) -> bool:
    """Whether ``pdftotext -bbox-layout`` output was written to its end: every page closed and
    the document too. Poppler exits 0 even when a full disk cut its output short.

    >>> is_complete(b'<html><body><doc><page width="1" height="1"></page></doc></body></html>\\n')
    True
    >>> is_complete(b'<html><body><doc><page width="1" height="1"></page><page width="1" he')
    False
    """
    return output.rstrip().endswith(b"</html>") and output.count(b"<page ") == output.count(b"</page>")


def read_text_layer(pdf: Path, *, password: str | None = None, timeout: float = 120) -> list[Page]:
    """Every page of ``pdf`` as lines in reading order (an empty page has no lines)."""
    with PendingLayer(pdf, password=password, timeout=timeout) as pending:
        return pending.result()


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "no message"
