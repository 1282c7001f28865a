"""One exception hierarchy; each class carries its exit code and what to do about it.

Only ``cli.py`` turns these into exit codes and messages.

>>> err = BadInputError("it is not a PDF", path="notes.txt")
>>> err.exit_code, str(err)
(<ExitCode.BAD_INPUT: 2>, 'notes.txt: it is not a PDF')
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from os import PathLike


class ExitCode(IntEnum):
    OK = 0
    USAGE = 1
    BAD_INPUT = 2
    MISSING_DEPENDENCY = 3
    PARTIAL = 4  # some pages could not be repaired; their original text was kept
    OUTPUT = 5  # outputs could not be written
    INTERNAL = 70  # a bug in cwn-ocr (EX_SOFTWARE)
    INTERRUPTED = 130


class CwnOcrError(Exception):
    exit_code = ExitCode.USAGE

    def __init__(self, message: str, *, path: str | PathLike[str] | None = None,
                 page: int | None = None, advice: str | None = None) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.page = page
        self.advice = advice
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f", page {self.page}" if self.page else "") + ": "
        return where + self.message + (f". {self.advice}" if self.advice else "")


class UsageError(CwnOcrError):
    exit_code = ExitCode.USAGE


class BadInputError(CwnOcrError):
    exit_code = ExitCode.BAD_INPUT


class PasswordError(BadInputError):
    def __init__(self, path: str | PathLike[str]) -> None:
        super().__init__("the PDF is encrypted and the password is missing or wrong", path=path,
                         advice="pass it with --password")


class MissingDependencyError(CwnOcrError):
    exit_code = ExitCode.MISSING_DEPENDENCY


class OutputError(CwnOcrError):
    exit_code = ExitCode.OUTPUT


class OcrError(CwnOcrError):
    """One page or region could not be OCRed; the pipeline keeps its layer text."""

    exit_code = ExitCode.PARTIAL


class StoppedError(CwnOcrError):
    """A step was stopped from another thread (Ctrl-C while it waited); the run is ending anyway."""

    exit_code = ExitCode.INTERRUPTED


def worst_exit_code(errors: Sequence[CwnOcrError]) -> int:
    """The exit code of a run over several files with these errors (a repair batch, a scan of several
    files): 2 when a file is bad, else the highest code; 0 without errors.

    >>> worst_exit_code([OutputError("x"), BadInputError("y")]), worst_exit_code([OutputError("x")])
    (2, 5)
    >>> worst_exit_code([])
    0
    """
    if any(isinstance(error, BadInputError) for error in errors):
        return int(ExitCode.BAD_INPUT)
    return max((int(error.exit_code) for error in errors), default=int(ExitCode.OK))

