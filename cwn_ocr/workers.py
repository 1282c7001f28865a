"""A process pool whose workers can be stopped together with the Tesseract processes they run.

Each worker leads its own process group, so the programs it starts (Tesseract, pdftoppm) are in
that group too. When the run is interrupted (SIGINT, SIGTERM) or fails, every group is killed:
no OCR keeps running after cwn-ocr has stopped. Results come back through futures, so the caller
can put them in page order whatever order they finish in.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")


def _own_group() -> None:
    os.setpgrp()
    # the parent decides when to stop; a terminal's Ctrl-C reaches it, not the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class WorkerPool:
    def __init__(self, workers: int) -> None:
        self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_own_group)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        return self._pool.submit(fn, *args, **kwargs)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is None:
            self._pool.shutdown(wait=True)
            return
        self.kill()

    def kill(self) -> None:
        """Stop every worker and everything it started, now."""
        processes = dict(getattr(self._pool, "_processes", None) or {})  # pid -> Process
        self._pool.shutdown(wait=False, cancel_futures=True)
        for pid in processes:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for process in processes.values():
            process.join(timeout=5)
