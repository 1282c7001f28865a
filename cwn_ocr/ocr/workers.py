"""A process pool whose workers can be stopped together with the Tesseract processes they run.

Each worker leads its own process group, so the programs it starts (Tesseract, pdftoppm) are in
that group too. When the run is interrupted (SIGINT, SIGTERM) or fails, every group is killed:
no OCR keeps running after cwn-ocr has stopped. Results come back through futures, so the caller
can put them in page order whatever order they finish in.

A killed worker cleans nothing up, so the temporary files its calls make (a page image for
Tesseract is 9 MB at 300 dpi) go into a folder of the pool's own, which the pool removes when it
stops, however it stops.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


def _own_group(scratch: str) -> None:
    os.setpgrp()
    # the parent decides when to stop; a terminal's Ctrl-C reaches it, not the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tempfile.tempdir = scratch  # every tempfile call of this worker (pytesseract's too) lands there


class Pool(Protocol):
    """What the pipeline needs of a pool: submit a call, get a concurrent.futures.Future."""

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]: ...


class WorkerPool:
    def __init__(self, workers: int) -> None:
        # fork, started all at once here: a process forked while another thread of ours holds a
        # lock (batch threads, verification threads) would inherit it locked and hang, so every
        # worker is forked now, while the caller is still single-threaded. (forkserver and spawn
        # would re-import the caller's main module, which breaks scripts without a main guard.)
        context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.scratch = tempfile.mkdtemp(prefix="cwn-workers-")
        before = set(multiprocessing.active_children())
        try:
            self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_own_group, initargs=(self.scratch,),
                                             mp_context=context)
            # with fork, the first call forks every worker at once (ProcessPoolExecutor does not spawn
            # forked children on demand); waiting for its answer makes sure they are up
            self._pool.submit(os.getpid).result()
        except BaseException:  # a failed fork, an interrupt while they start: nothing left behind
            if hasattr(self, "_pool"):
                self.kill()
            # a worker forked as the interrupt landed may not be in the pool's books yet (found orphaned, in its
            # own process group, after a Ctrl-C 2 ms into the start)
            _stop(set(multiprocessing.active_children()) - before)
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        return self._pool.submit(fn, *args, **kwargs)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        # a pool a dead worker broke has had its other workers terminated, but not what they started
        # (a Tesseract in a worker's group would run on): stop the groups as on an error
        if error is None and not getattr(self._pool, "_broken", False):
            self._pool.shutdown(wait=True)
            shutil.rmtree(self.scratch, ignore_errors=True)
            return
        self.kill()

    def kill(self) -> None:
        """Stop every worker and everything it started, now."""
        processes = dict(getattr(self._pool, "_processes", None) or {})  # pid -> Process
        self._pool.shutdown(wait=False, cancel_futures=True)
        _stop(processes.values())
        shutil.rmtree(self.scratch, ignore_errors=True)


def _stop(processes: Iterable[BaseProcess]) -> None:
    """Kill each worker's process group (the worker and the programs it started: ``_own_group``), or the worker
    alone where it does not lead a group yet (forked, its initializer not run), and reap them."""
    processes = list(processes)
    for process in processes:
        try:
            if process.pid:  # (never 0: that would be our own group)
                os.killpg(process.pid, signal.SIGKILL)
                continue
        except (ProcessLookupError, PermissionError):
            pass
        process.kill()
    for process in processes:
        process.join(timeout=5)


class DaskPool:
    """The same interface on a Dask distributed cluster (``--scheduler ADDRESS``): every worker must
    reach the PDFs at the same paths (shared storage) and have Tesseract and the languages."""

    def __init__(self, address: str) -> None:
        from cwn_ocr.errors import MissingDependencyError, UsageError

        try:
            from distributed import Client
        except ImportError as exc:
            raise MissingDependencyError("--scheduler needs Dask's distributed package",
                                         advice="install it with: pip install 'cwn-ocr[dask]'") from exc
        try:
            self.client = Client(address, set_as_default=False, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {address} ({exc})") from exc
        except ValueError as exc:  # 'bogus': no port, or an unknown scheme
            raise UsageError(f"--scheduler {address!r} is not a Dask scheduler's address ({exc})",
                             advice="give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786") from exc

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        result: Future[T] = Future()
        remote = self.client.submit(fn, *args, pure=False, **kwargs)

        def done(finished: Any) -> None:
            try:
                result.set_result(finished.result())
            except BaseException as exc:  # noqa: BLE001  (handed over to the caller's future)
                result.set_exception(exc)

        remote.add_done_callback(done)
        return result

    def close(self) -> None:
        self.client.close()
