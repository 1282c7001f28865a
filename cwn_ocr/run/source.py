"""PDFs that are not files on disk: bytes, a binary file object, the command line's stdin.

poppler and pikepdf read a PDF by its path, and the OCR workers open it again by path, so such
a PDF is copied ("spooled") into a private temporary folder first and read from there; the
folder is removed when the repair ends, on every way out (an error, Ctrl-C, SIGTERM).

The result then names the PDF by ``name``: what the caller calls it (the CLI's ``--name``,
``repair_pdf(..., name=)``), else the file object's own name (``open(p, "rb")`` is named ``p``,
a zip member by its name in the archive), else ``input.pdf`` (``stdin`` on the command line).
That name is what the report's ``file`` says and what the outputs' stem comes from; errors
about the temporary copy are reported under it too.

>>> import io
>>> with spooled(io.BytesIO(b"%PDF-1.7 fake"), name="profile.pdf") as (copy, shown):
...     copy.read_bytes(), shown
(b'%PDF-1.7 fake', PosixPath('profile.pdf'))
>>> copy.exists(), copy.parent.exists()
(False, False)
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from cwn_ocr.errors import BadInputError, CwnOcrError, OutputError, UsageError

if TYPE_CHECKING:
    from cwn_ocr.run.pipeline import DocumentScan, RepairResult


class Readable(Protocol):
    """A binary file object: anything with ``read(size) -> bytes`` (an open file, ``io.BytesIO``,
    a zip member, an HTTP response body, ``sys.stdin.buffer``)."""

    def read(self, size: int = -1, /) -> bytes: ...


#: What ``repair_pdf`` and ``scan_pdf`` accept: a path, the PDF's bytes, or a binary file object.
PdfSource: TypeAlias = str | os.PathLike[str] | bytes | bytearray | memoryview | Readable

#: The name of a PDF given as bytes, or as a file object without a name of its own.
UNNAMED = "input.pdf"
#: The name of a PDF read from stdin by the command line (``--name`` changes it).
STDIN = "stdin"
_CHUNK = 1 << 20


def is_path(source: object) -> bool:
    """Whether ``source`` names a file (read in place) rather than holding the PDF.

    >>> is_path("a.pdf"), is_path(Path("a.pdf")), is_path(b"%PDF-1.7")
    (True, True, False)
    """
    return isinstance(source, (str, os.PathLike))


def source_name(source: object, name: str | None = None) -> Path:
    """The name a PDF given as data goes by: ``name``, else the file object's own, else ``input.pdf``.

    >>> import io
    >>> class Member(io.BytesIO):  # a zip member, an open file: named
    ...     name = "profiles/anshun.pdf"
    >>> source_name(b"%PDF", "a.pdf"), source_name(Member(b"%PDF")), source_name(io.BytesIO(b"%PDF"))
    (PosixPath('a.pdf'), PosixPath('profiles/anshun.pdf'), PosixPath('input.pdf'))
    """
    if name is not None:
        if not name.strip() or not Path(name).stem:
            raise UsageError(f"{name!r} is not a usable name for the PDF (it names the outputs)")
        return Path(name)
    own = getattr(source, "name", None)
    if isinstance(own, bytes):
        own = os.fsdecode(own)
    if isinstance(own, str) and own.strip() and not own.startswith("<") and Path(own).stem:
        return Path(own)  # "<stdin>", "<fdopen>" and the like are no names
    return Path(UNNAMED)


@contextmanager
def spooled(source: PdfSource, *, name: str | None = None) -> Iterator[tuple[Path, Path]]:
    """``source`` (bytes or a binary file object) copied to a temporary file: yields that file and
    the name the PDF goes by (``source_name``). A seekable file object is read from its start,
    as PDF readers do. The copy and its folder are removed on leaving, however that happens;
    a ``CwnOcrError`` raised inside about the copy is re-addressed to the name."""
    if is_path(source):
        raise UsageError("a path is read in place, not spooled")
    _check_readable(source)
    shown = source_name(source, name)
    try:
        folder = Path(tempfile.mkdtemp(prefix="cwn-input-"))  # private (0700): the PDF may be confidential
    except OSError as exc:
        raise _spool_error(exc) from exc
    copy = folder / "input.pdf"
    try:
        _copy(source, copy, shown)
        try:
            yield copy, shown
        except CwnOcrError as exc:
            _rename(exc, copy, shown)
            raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def spooled_stdin(*, name: str | None = None) -> Iterator[tuple[Path, Path]]:
    """The command line's ``-``: stdin copied to a temporary file (``spooled``), named ``stdin``
    unless ``name`` says otherwise. A terminal is refused rather than waited on."""
    stream = sys.stdin
    if stream is None or stream.closed:
        raise BadInputError("stdin is closed: there is no PDF to read")
    if stream.isatty():
        raise UsageError("'-' reads the PDF from stdin, which is a terminal here",
                         advice="pipe or redirect a PDF into it: cwn-ocr repair - < file.pdf")
    with spooled(stream.buffer, name=STDIN if name is None else name) as spool:
        yield spool


def _text_mode() -> UsageError:
    return UsageError("the file object gives text, not bytes", advice="open the PDF in binary mode ('rb')")


def _check_readable(source: object) -> None:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return
    if not callable(getattr(source, "read", None)):
        raise UsageError(f"a PDF is given as a path, bytes or a binary file object, not {type(source).__name__}")
    if isinstance(source, io.TextIOBase):  # open("x.pdf"): its first read would fail decoding the PDF's bytes
        raise _text_mode()


def _copy(source: PdfSource, target: Path, shown: Path) -> None:
    """Write ``source``'s bytes to ``target``: reading problems are the input's, writing ones the
    temporary folder's."""
    try:
        out = target.open("wb")
    except OSError as exc:
        raise _spool_error(exc) from exc
    with out:
        if isinstance(source, (bytes, bytearray, memoryview)):
            _write(out, source)
            return
        stream: Any = source
        try:
            if callable(getattr(stream, "seekable", None)) and stream.seekable():
                stream.seek(0)
        except (OSError, ValueError):
            pass  # not really seekable after all: read from where it stands
        while True:
            try:
                chunk = stream.read(_CHUNK)
            except OSError as exc:
                raise BadInputError(f"cannot be read ({exc.strerror or exc})", path=shown) from exc
            except UnicodeDecodeError as exc:  # a text-mode stream of another kind
                raise _text_mode() from exc
            except ValueError as exc:  # "read of closed file"
                raise UsageError(f"the file object cannot be read ({exc})", advice="pass it open") from exc
            if not chunk:
                break
            if isinstance(chunk, str):
                raise _text_mode()
            _write(out, chunk)


def _write(out: Any, data: bytes | bytearray | memoryview) -> None:
    try:
        out.write(data)
    except OSError as exc:
        raise _spool_error(exc) from exc


def _spool_error(exc: OSError) -> OutputError:
    return OutputError(f"cannot copy the input to a temporary file ({exc.strerror or exc})",
                       path=tempfile.gettempdir(), advice="point TMPDIR at a folder with room")


def _rename(exc: CwnOcrError, copy: Path, shown: Path) -> None:
    """Make ``exc`` speak of ``shown`` where it spoke of the temporary ``copy``."""
    if exc.path is not None and Path(exc.path) in (copy, copy.parent):
        exc.path = str(shown)
    exc.message = exc.message.replace(str(copy), str(shown))
    exc.args = (str(exc),)


def repair_source(repair: Callable[..., RepairResult], *, path: PdfSource, pdf: bool, name: str | None,
                  **options: Any) -> RepairResult:
    """``repair`` (``pipeline.repair_pdf``) of any ``PdfSource``: a path read in place, other
    input through a temporary copy; with ``pdf`` the result carries the repaired PDF's bytes
    (``pdf_bytes``) and what was done per page (``pdf_methods``), made while the input is at hand."""
    if is_path(path):
        if name is not None:
            raise UsageError("name= names a PDF given as bytes or a file object; a path names itself")
        result = repair(path, **options)
        return _with_pdf(result, options.get("password")) if pdf else result
    with spooled(path, name=name) as (copy, shown):
        result = repair(copy, **options)
        if pdf:
            result = _with_pdf(result, options.get("password"))
    return replace(result, path=shown, path_is_name=True)


def scan_source(scan: Callable[..., DocumentScan], *, path: PdfSource, name: str | None,
                **options: Any) -> DocumentScan:
    """``scan`` (``pipeline.scan_pdf``) of bytes or a binary file object, through a temporary copy."""
    if is_path(path):
        if name is not None:
            raise UsageError("name= names a PDF given as bytes or a file object; a path names itself")
        return scan(path, **options)
    with spooled(path, name=name) as (copy, shown):
        return replace(scan(copy, **options), path=shown)


def _with_pdf(result: RepairResult, password: str | None) -> RepairResult:
    from cwn_ocr.report.pdfout import build_repaired_pdf

    data, methods = build_repaired_pdf(result, password=password)
    return replace(result, pdf_bytes=data, pdf_methods=methods)


__all__ = ["STDIN", "UNNAMED", "PdfSource", "Readable", "is_path", "repair_source", "scan_source", "source_name",
           "spooled", "spooled_stdin"]
