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

import errno
import html
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # not a Unix
    fcntl = None  # type: ignore[assignment]

from cwn_ocr.errors import BadInputError, CwnOcrError, MissingDependencyError, OutputError, PasswordError, StoppedError
from cwn_ocr.model import BBox, Line, Page, Word

#: poppler's warning when a CJK font's predefined CMap (GBK-EUC-H, UniGB-UCS2-H, …) is not installed
_MISSING_CMAP = re.compile(r"Missing language pack for '([^']+)'")
POPPLER_DATA_ADVICE = "install them with: apt-get install poppler-data (or run `make setup`)"

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
_WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', re.S
)


def poppler_passwords(password: str | None) -> list[str]:
    """The password options of poppler's tools for ``--password``, which may be the user's or the owner's
    (``-upw`` alone refuses an owner password: "Incorrect password").

    >>> poppler_passwords("s3cret"), poppler_passwords(None)
    (['-upw', 's3cret', '-opw', 's3cret'], [])
    """
    return ["-upw", password, "-opw", password] if password else []


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

    A thread reads poppler's output and warnings from pipes as they come, so poppler runs to the
    end while the caller does other work (the CLI starts it before it imports the rest of
    cwn-ocr: the two take about as long), and no temporary file can be cut short by a full disk.
    ``close()`` (or leaving the ``with`` block) stops it.

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
        self._error: CwnOcrError | None = None
        self._streams: tuple[bytes, bytes] | None = None
        self._broken: Exception | None = None
        cmd = ["pdftotext", "-bbox-layout", "-enc", "UTF-8", *poppler_passwords(password), str(self.pdf), "-"]
        self._proc: subprocess.Popen[bytes] | None = _start(cmd)
        _widen(self._proc.stdout)
        try:
            self._reader = threading.Thread(target=self._read, args=(self._proc,), name="cwn-ocr-pdftotext",
                                            daemon=True)
            self._reader.start()
        except BaseException:  # Ctrl-C or no thread to be had: poppler must not outlive us
            self.close()
            raise

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        # stdout and stderr both drained: a damaged PDF can make poppler write more warnings than a pipe holds
        try:
            self._streams = proc.communicate()
        except (OSError, ValueError) as exc:  # the pipes closed under it (close() stopped poppler), or worse
            self._broken = exc

    def result(self) -> list[Page]:
        """Every page as lines in reading order (an empty page has no lines); a second call gives
        the same pages, or raises the same error."""
        if self._pages is not None:
            return self._pages
        if self._error is not None:
            raise self._error
        try:
            self._pages = self._wait_and_parse()
        except CwnOcrError as exc:
            self._error = exc
            raise
        return self._pages

    def _wait_and_parse(self) -> list[Page]:
        proc = self._proc
        if proc is None:
            raise StoppedError("the text layer's reading was stopped before its result was taken", path=self.pdf)
        self._reader.join(timeout=max(0.0, self.timeout - (time.monotonic() - self._started)))
        try:
            with self._closing:
                if self._closed:  # close() from another thread killed poppler: its output is partial
                    raise StoppedError("the text layer's reading was stopped", path=self.pdf)
                if self._reader.is_alive():
                    raise BadInputError(f"reading the text layer took longer than {self.timeout:.0f} s",
                                        path=self.pdf)
                if self._streams is None:
                    raise BadInputError(f"poppler's output could not be read ({self._broken})", path=self.pdf)
                output, warnings = self._streams
            stderr = warnings.decode("utf-8", "replace")
            if proc.returncode != 0:
                if "Incorrect password" in stderr or "ncrypt" in stderr:
                    raise PasswordError(self.pdf)
                if "Invalid page count 0" in stderr:
                    raise BadInputError("the PDF has no pages", path=self.pdf)
                raise BadInputError(f"poppler cannot read it as a PDF ({_first_line(stderr)})", path=self.pdf)
            missing = _MISSING_CMAP.search(stderr)
            if missing:  # poppler exits 0 and silently drops the text of those fonts
                raise MissingDependencyError(
                    f"poppler lacks the {missing.group(1)} character maps some fonts of this PDF use: text in "
                    "them may be read as nothing", path=self.pdf, advice=POPPLER_DATA_ADVICE)
            if not is_complete(output):
                raise BadInputError("poppler's text output ended before the document did", path=self.pdf)
            pages = parse_bbox_layout(output.decode("utf-8", "surrogateescape"))
        finally:
            self.close()
        if not pages:
            raise BadInputError("the PDF has no pages", path=self.pdf)
        return pages

    def close(self) -> None:
        """Stop poppler if it still runs (idempotent; the caller's thread may close while another
        waits in ``result()``, which then raises ``StoppedError``)."""
        with self._closing:
            proc, self._proc = self._proc, None
            if proc is None:
                return
            if proc.poll() is None:
                self._closed = True
                proc.kill()
                proc.wait()

    def __enter__(self) -> PendingLayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _widen(pipe: IO[bytes] | None, size: int = 1 << 20) -> None:
    """Let poppler write up to ``size`` bytes ahead of the thread that reads them (Linux; 64 KiB
    otherwise): while the CLI imports the rest of cwn-ocr, the reader waits for the GIL, and a
    full pipe would stop poppler meanwhile."""
    setter = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl else None
    if pipe is None or setter is None:
        return
    try:
        fcntl.fcntl(pipe.fileno(), setter, size)
    except OSError:  # above /proc/sys/fs/pipe-max-size: the default size stays
        pass


def _start(cmd: list[str]) -> subprocess.Popen[bytes]:
    """``cmd`` started with its output and warnings piped; what keeps it from starting said plainly."""
    try:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError as exc:
        raise MissingDependencyError(
            "pdftotext (poppler) is not installed",
            advice="install it with: apt-get install poppler-utils (or run `make setup`)",
        ) from exc
    except OSError as exc:
        if isinstance(exc, PermissionError) or exc.errno in (errno.ENOEXEC, errno.ELIBBAD, errno.EISDIR):
            raise MissingDependencyError(
                f"pdftotext (poppler) cannot be run ({exc.strerror or exc})",
                advice="reinstall it with: apt-get install --reinstall poppler-utils",
            ) from exc
        # out of memory, processes or open files: this run cannot go on, the installation is fine
        raise OutputError(f"cannot start pdftotext ({exc.strerror or exc})",
                          advice="the machine is short of memory, processes or open files; "
                                 "retry with fewer --jobs") from exc


def is_complete(output: bytes) -> bool:
    """Whether ``pdftotext -bbox-layout`` output reached its end: every page closed and the
    document too. Poppler exits 0 even when it could not write all of it (to a full disk, when it
    wrote to a file), so a shorter document is never taken on its exit status alone.

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
