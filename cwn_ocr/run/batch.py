"""Many PDFs in one run: one pool of workers for all of them, files that are up to date skipped,
a failing file reported and the rest repaired.

Files are repaired in a few threads at once so that one file's last pages and the next file's
first pages keep every worker busy; each thread only waits on the shared pool.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cwn_ocr.errors import BadInputError, CwnOcrError, MissingDependencyError, UsageError
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


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files as given, folders as the PDFs inside them (recursively, sorted); duplicates once."""
    paths: list[Path] = []
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
        else:
            found = [path]
        paths += [p for p in found if p not in paths]
    return paths


def check_stems(paths: Sequence[Path]) -> None:
    """Outputs are named by stem: two inputs with one stem would overwrite each other's."""
    seen: dict[str, Path] = {}
    for path in paths:
        if path.stem in seen:
            raise UsageError(f"{seen[path.stem]} and {path} would both write {path.stem}.* in the output folder",
                             advice="repair them into different --out folders")
        seen[path.stem] = path


def up_to_date(path: Path, out_dir: Path, settings: dict[str, Any]) -> bool:
    """The report in ``out_dir`` is newer than the input and was made with the same settings."""
    report = out_dir / f"{path.stem}.json"
    try:
        if report.stat().st_mtime < path.stat().st_mtime:
            return False
        made = json.loads(report.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    same = all(made.get("settings", {}).get(k) == v for k, v in settings.items())
    return bool(same and made.get("file") == str(path) and not made.get("summary", {}).get("failed"))


def repair_many(paths: Sequence[Path], out_dir: Path, *, jobs: int | None = None, scheduler: str | None = None,
                force: bool = False, on_file: Callable[[FileOutcome], None] | None = None,
                review_images: str = "ocr", write_pdf: bool = True, **options: Any) -> list[FileOutcome]:
    """Repair every file into ``out_dir`` with one pool; outcomes in the order of ``paths``.
    ``options`` go to ``repair_pdf``; ``review_images`` and ``write_pdf`` to ``write_outputs``."""
    check_stems(paths)
    wanted = {"dpi": options.get("dpi", 300), "lang": options.get("lang", "chi_sim+eng"),
              "verify": options.get("verify", "sample"), "regions": options.get("regions", True),
              "repair_fonts": options.get("repair_fonts", True),
              "engine": resolve_engine(options.get("engine", DEFAULT_ENGINE))}
    workers = max(1, jobs or os.cpu_count() or 1)
    pool: Pool = DaskPool(scheduler) if scheduler else WorkerPool(workers)

    def one(path: Path) -> FileOutcome:
        if not force and up_to_date(path, out_dir, wanted):
            outcome = FileOutcome(path, "skipped", message="outputs are up to date")
        else:
            try:
                result = repair_pdf(path, jobs=workers, pool=pool, **options)
                write_outputs(result, out_dir, password=options.get("password"), review_images=review_images,
                              pdf=write_pdf)
                status = "partial" if result.failed_pages else "ok"
                outcome = FileOutcome(path, status, result)
            except MissingDependencyError:
                raise  # nothing else will work either
            except CwnOcrError as exc:
                outcome = FileOutcome(path, "failed", message=str(exc), error=exc)
        if on_file:
            on_file(outcome)
        return outcome

    try:
        with ThreadPoolExecutor(max_workers=min(len(paths), 2 * workers) or 1) as files:
            outcomes = list(files.map(one, paths))
    except BaseException:
        if isinstance(pool, WorkerPool):
            pool.kill()  # an interrupt or a missing tool: stop every worker and its Tesseract now
        raise
    finally:
        if isinstance(pool, DaskPool):
            pool.close()
    if isinstance(pool, WorkerPool):
        pool.__exit__(None, None, None)
    return outcomes


def exit_code(outcomes: Sequence[FileOutcome]) -> int:
    """0 when every file was repaired (or up to date); else the worst: 2 a bad file, 4 a partial one."""
    if any(o.status == "failed" and isinstance(o.error, BadInputError) for o in outcomes):
        return 2
    if any(o.status == "failed" for o in outcomes):
        return max(int(o.error.exit_code) for o in outcomes if o.error is not None)
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
            ", ".join(f"page {n} failed" for n in result.failed_pages)]


__all__ = ["FileOutcome", "describe", "exit_code", "expand_inputs", "repair_many"]
