"""Interrupts: signals held while C extensions are imported; the programs threads wait for, stopped.

A KeyboardInterrupt raised while a native module initialises (pikepdf's nanobind) aborts the whole
process with SIGABRT instead of unwinding: no message, no cleanup, child programs left running. The
command line imports the pipeline inside ``held_interrupts`` and acts on a Ctrl-C once it is imported.

A SIGTERM (or a SIGINT sent to cwn-ocr alone, not to its terminal's process group) reaches none of the
programs cwn-ocr's own threads run (the sample check's Tesseract): unwinding then waits for each to end,
up to ``--page-timeout``. Such programs run through ``run_program``, and the command line's handler
stops them (``stop_programs``) before it raises KeyboardInterrupt; from then on no program starts, and
none that ends gives a result (it was killed: its output is no reading to keep, or to cache).
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from cwn_ocr.errors import StoppedError

#: The signals held: Ctrl-C, and the kill a pipeline or a service manager sends.
HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the block runs, and deliver them to their own handlers once it is done.

    For steps that are short and that a KeyboardInterrupt must not land in the middle of: a C extension's
    import. Outside the main thread (where Python delivers no signals) it does nothing.

    >>> import os
    >>> try:
    ...     with held_interrupts():
    ...         os.kill(os.getpid(), signal.SIGINT)
    ...         print("the block ends first")
    ... except KeyboardInterrupt:
    ...     print("then the interrupt")
    the block ends first
    then the interrupt
    >>> signal.getsignal(signal.SIGINT) is signal.default_int_handler
    True
    >>> try:
    ...     with held_interrupts():
    ...         os.kill(os.getpid(), signal.SIGINT)
    ...         raise ImportError("a failed import")
    ... except KeyboardInterrupt as exc:
    ...     print("the interrupt, after", repr(exc.__context__))
    the interrupt, after ImportError('a failed import')
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: object) -> None:
        pending.append(signum)

    before: dict[int, Any] = {}
    try:
        for kind in HELD:  # one at a time: a signal acted on between two installs leaves the first restored
            previous = signal.getsignal(kind)
            signal.signal(kind, hold)
            before[kind] = previous
        yield
    finally:
        landed: BaseException | None = None
        for signum, handler in before.items():
            while True:  # signal.signal acts on pending signals before it changes the handler: until it is changed
                try:
                    signal.signal(signum, handler)
                    break
                except BaseException as exc:  # one landed between two restores; the handler restored first raised
                    landed = landed or exc
        if landed is not None:
            raise landed
        # delivered also when the block failed (an import error): the user's Ctrl-C is not lost with it
        for received in dict.fromkeys(pending):
            signal.raise_signal(received)


#: The programs ``run_program`` is waiting for, in any thread (set.add, set.discard and list(set) are
#: atomic: a signal handler reads it without a lock, which the interrupted thread might hold).
_RUNNING: set[subprocess.Popen[bytes]] = set()
#: True from ``stop_programs`` on: the run is ending, no program starts and none gives a result (a plain
#: flag: a threading.Event's set() takes a lock a second signal's handler could wait for for ever).
_STOPPING = {"set": False}


def run_program(cmd: Sequence[str], *, timeout: float, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)``, the program known to
    ``stop_programs`` while it runs. Raises as ``subprocess.run`` does (OSError, TimeoutExpired, the
    program killed first, as on any other exception), and StoppedError once ``stop_programs`` was called.

    >>> run_program(["echo", "hi"], timeout=10).stdout
    b'hi\\n'
    """
    if _STOPPING["set"]:
        raise StoppedError("the run is being stopped")
    with subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        _RUNNING.add(proc)
        try:
            if _STOPPING["set"]:  # stop_programs ran between the check above and the add
                proc.kill()
            out, err = proc.communicate(timeout=timeout)
        except BaseException:  # a timeout, an interrupt: the program goes too, as with subprocess.run
            proc.kill()
            proc.wait()
            raise
        finally:
            _RUNNING.discard(proc)
    if _STOPPING["set"]:
        raise StoppedError("the run is being stopped")
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)


def stop_programs() -> int:
    """Kill every program ``run_program`` is waiting for, start none from now on (until
    ``allow_programs``), and return how many were killed. Safe in a signal handler.

    >>> stop_programs()
    0
    >>> try:
    ...     run_program(["echo", "hi"], timeout=10)
    ... except StoppedError as exc:
    ...     print(exc)
    the run is being stopped
    >>> allow_programs(); run_program(["echo", "hi"], timeout=10).returncode
    0
    """
    _STOPPING["set"] = True
    running = list(_RUNNING)
    for proc in running:
        try:
            proc.kill()
        except OSError:  # it ended meanwhile
            pass
    return len(running)


def allow_programs() -> None:
    """Let ``run_program`` start programs again (a new run in this process)."""
    _STOPPING["set"] = False
