"""Many PDFs in one run: one pool of workers for all of them, files that are up to date skipped,
a failing file reported and the rest repaired.

Files are repaired in a few threads at once so that one file's last pages and the next file's
first pages keep every worker busy; each thread only waits on the shared pool. An interrupt stops
the batch at once: files not started never start, the workers and their Tesseract are killed, and
a file's outputs are written whole or not at all.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from cwn_ocr.errors import CwnOcrError, MissingDependencyError, StoppedError, UsageError, worst_exit_code
from cwn_ocr.layer.marker import is_repaired
from cwn_ocr.ocr.engines import DEFAULT_ENGINE, resolve_engine
from cwn_ocr.ocr.workers import DaskPool, Pool, WorkerPool
from cwn_ocr.report import write_outputs
from cwn_ocr.run.pipeline import RepairResult, repair_pdf


@dataclass
class FileOutcome:
    path: Path
    status: str  # "ok", "partial", "skipped", "failed"
    result: RepairResult | None = None
    message: str = ""
    error: CwnOcrError | None = field(default=None, repr=False)


def expand_inputs(inputs: Iterable[str], *, outputs: Path | None = None) -> list[Path]:
    """Files as given, folders as the PDFs inside them (recursively, sorted); duplicates once. A folder's
    walk leaves out the repaired PDFs an earlier run wrote into the ``outputs`` folder (``earlier_output``),
    so that ``repair in/ --out in/repaired`` runs again; any other PDF there is an input (and the batch
    refuses to write over it: the output folder is its own).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as top:
    ...     for name in ("a.pdf", "notes.txt", "repaired/a.pdf", "repaired/c.pdf", "more/b.PDF"):
    ...         (Path(top) / name).parent.mkdir(exist_ok=True)
    ...         (Path(top) / name).touch()
    ...     _ = (Path(top) / "repaired/a.json").write_text(json.dumps({"file": str(Path(top) / "a.pdf")}))
    ...     [str(p.relative_to(top)) for p in expand_inputs([top], outputs=Path(top) / "repaired")]
    ['a.pdf', 'more/b.PDF', 'repaired/c.pdf']
    """
    paths: list[Path] = []
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()
                           and not (outputs is not None and earlier_output(p, outputs)))
        else:
            found = [path]
        paths += [p for p in found if p not in paths]
    return paths


def earlier_output(path: Path, outputs: Path) -> bool:
    """A repaired PDF an earlier run wrote into ``outputs``: it lies there, and the report beside it,
    ``<stem>.json``, names another file as the one repaired, or (a run stopped before its report was
    written, a report deleted) the PDF carries cwn-ocr's mark (``layer.marker``)."""
    if path.parent.resolve() != outputs.resolve():
        return False
    try:
        made = json.loads(path.with_suffix(".json").read_text("utf-8"))
        return Path(str(made["file"])).resolve() != path.resolve()
    except (OSError, ValueError, TypeError, KeyError):
        return is_repaired(path)


def check_stems(paths: Sequence[Path]) -> None:
    """Outputs are named by stem: two inputs with one stem would overwrite each other's."""
    seen: dict[str, Path] = {}
    for path in paths:
        if path.stem in seen:
            raise UsageError(f"{seen[path.stem]} and {path} would both write {path.stem}.* in the output folder",
                             advice="repair them into different --out folders")
        seen[path.stem] = path


def up_to_date(path: Path, out_dir: Path, settings: dict[str, Any],
               outputs: Sequence[str] = (".txt", ".json"), review_images: str = "ocr") -> bool:
    """Every output the run would write (``outputs``, the suffixes after the stem) is in ``out_dir`` and
    newer than the input, the report was made with the same settings, and a review page asked for shows the
    page images ``review_images`` asks for.

    >>> up_to_date(Path("samples/clean_english.pdf"), Path("no-such-folder"), {})
    False
    """
    report = out_dir / f"{path.stem}.json"
    try:
        made_after = path.stat().st_mtime
        if any((out_dir / f"{path.stem}{suffix}").stat().st_mtime < made_after for suffix in outputs):
            return False
        made = json.loads(report.read_text("utf-8"))
        if ".diff.html" in outputs and review_images_of(out_dir / f"{path.stem}.diff.html") != review_images:
            return False
    except (OSError, ValueError):
        return False
    same = all(made.get("settings", {}).get(k) == v for k, v in settings.items())
    return bool(same and made.get("file") == str(path) and not made.get("summary", {}).get("failed"))


_REVIEW_IMAGES = re.compile(rb'<meta name="cwn-ocr-review-images" content="([a-z]+)">')


def review_images_of(review: Path) -> str | None:
    """The ``--review-images`` a review page was made with (its head says), or None (an older page).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = Path(folder) / "a.diff.html"
    ...     _ = page.write_text('<head><meta name="cwn-ocr-review-images" content="all">')
    ...     review_images_of(page)
    'all'
    """
    with review.open("rb") as html:
        found = _REVIEW_IMAGES.search(html.read(4096))
    return found.group(1).decode("ascii") if found else None


def repair_many(paths: Sequence[Path], out_dir: Path, *, jobs: int | None = None, scheduler: str | None = None,
                force: bool = False, on_file: Callable[[FileOutcome], None] | None = None,
                review: bool = True, review_images: str = "ocr", write_pdf: bool = True,
                **options: Any) -> list[FileOutcome]:
    """Repair every file into ``out_dir`` with one pool; outcomes in the order of ``paths``.
    ``options`` go to ``repair_pdf``; ``review``, ``review_images`` and ``write_pdf`` to ``write_outputs``."""
    check_stems(paths)
    wanted = {"dpi": options.get("dpi", 300), "lang": options.get("lang", "chi_sim+eng"),
              "verify": options.get("verify", "sample"), "regions": options.get("regions", True),
              "repair_fonts": options.get("repair_fonts", True),
              "engine": resolve_engine(options.get("engine", DEFAULT_ENGINE))}
    workers = max(1, jobs or os.cpu_count() or 1)
    pool: Pool = DaskPool(scheduler) if scheduler else WorkerPool(workers)
    outputs = (".txt", ".json") + ((".pdf",) if write_pdf else ()) + ((".diff.html",) if review else ())
    gate = OutputGate()

    def one(path: Path) -> FileOutcome:
        if not force and up_to_date(path, out_dir, wanted, outputs, review_images=review_images):
            return told(lambda: FileOutcome(path, "skipped", message="outputs are up to date"))
        try:
            result = repair_pdf(path, jobs=workers, pool=pool, **options)
        except (MissingDependencyError, StoppedError):
            raise  # nothing else will work either; or the batch is being stopped: no file failed
        except CwnOcrError as exc:
            failed = FileOutcome(path, "failed", message=str(exc), error=exc)
            return told(lambda: failed)
        return told(lambda: written(path, result))

    def written(path: Path, result: RepairResult) -> FileOutcome:
        try:
            write_outputs(result, out_dir, password=options.get("password"), review=review,
                          review_images=review_images, pdf=write_pdf)
        except (MissingDependencyError, StoppedError):
            raise
        except CwnOcrError as exc:
            return FileOutcome(path, "failed", message=str(exc), error=exc)
        return FileOutcome(path, "partial" if result.failed_pages or result.unverified else "ok", result,
                           message=result.unverified_message or "")

    def told(outcome: Callable[[], FileOutcome]) -> FileOutcome:
        with gate:  # a stopped batch writes nothing more and tells of nothing more
            made = outcome()
            if on_file:
                on_file(made)
        return made

    files = ThreadPoolExecutor(max_workers=min(len(paths), 2 * workers) or 1)
    try:
        futures = [files.submit(one, path) for path in paths]
        outcomes = [future.result() for future in futures]
    except BaseException:  # an interrupt or a missing tool: stop now, not after every file queued
        gate.close()  # first: a file whose OCR the kill below breaks must not be written as failed pages
        files.shutdown(wait=False, cancel_futures=True)
        if isinstance(pool, WorkerPool):
            pool.kill()  # every worker and its Tesseract
        gate.join()  # outputs being written are finished: complete, never half-written
        raise
    finally:
        if isinstance(pool, DaskPool):
            pool.close()
    files.shutdown()
    if isinstance(pool, WorkerPool):
        pool.__exit__(None, None, None)
    return outcomes


class OutputGate:
    """Lets threads write outputs until it is closed; ``join`` then waits for those writing.

    >>> gate = OutputGate()
    >>> with gate:
    ...     print("written")
    written
    >>> gate.close(); gate.join()
    >>> with gate:
    ...     print("never")
    Traceback (most recent call last):
    cwn_ocr.errors.StoppedError: the batch was stopped before this file's outputs were written
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open = True
        self._inside = 0

    def __enter__(self) -> None:
        with self._changed:
            if not self._open:
                raise StoppedError("the batch was stopped before this file's outputs were written")
            self._inside += 1

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        with self._changed:
            self._inside -= 1
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._open = False

    def join(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._inside == 0)


def exit_code(outcomes: Sequence[FileOutcome]) -> int:
    """0 when every file was repaired (or up to date); else the worst: 2 a bad file, 4 a partial one (a page
    failed, or the sample check could not run)."""
    failed = [o.error for o in outcomes if o.status == "failed" and o.error is not None]
    if failed:
        return worst_exit_code(failed)
    if any(o.status == "partial" for o in outcomes):
        return 4
    return 0


def describe(outcome: FileOutcome) -> list[str]:
    result = outcome.result
    if result is None:
        return [str(outcome.path), "", "", "", "", outcome.status, outcome.message]
    return [str(outcome.path), str(len(result.pages)),
            f"{result.count('kept')}/{result.count('textfix')}/{result.count('ocr')}/{result.count('failed')}",
            str(result.changed_characters), f"{result.seconds:.1f}", outcome.status,
            ", ".join([f"page {n} failed" for n in result.failed_pages]
                      + (["sample check skipped"] if result.unverified else []))]


__all__ = ["FileOutcome", "describe", "exit_code", "expand_inputs", "repair_many"]
