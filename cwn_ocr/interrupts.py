"""Interrupts: signals held while C extensions are imported; the programs threads wait for, stopped.

A KeyboardInterrupt raised while a native module initialises (pikepdf's nanobind) aborts the whole
process with SIGABRT instead of unwinding: no message, no cleanup, child programs left running. The
command line imports the pipeline inside ``held_interrupts`` and acts on a Ctrl-C once it is imported.

A SIGTERM (or a SIGINT sent to cwn-ocr alone, not to its terminal's process group) reaches none of the
programs cwn-ocr's own threads run (the sample check's Tesseract): unwinding then waits for each to end,
up to ``--page-timeout``. Such programs run through ``run_program``, and the command line's handler
stops them (``stop_programs``) before it raises KeyboardInterrupt.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def kill_children() -> list[int]:
    """Kill (SIGKILL) every program this process started that still runs, and return their ids: on an
    interrupt, the ones threads of this process wait for (the sample check's Tesseract, poppler) would
    otherwise run on after it exits, a hung one for ever (their timeout was the thread's). The pool's
    workers are killed with their groups before this. Linux only (``/proc``); elsewhere nothing.

    >>> import subprocess, sys  # in a process of its own: these tests' process has workers of its own
    >>> code = ("import subprocess; from cwn_ocr.interrupts import kill_children; "
    ...         "child = subprocess.Popen(['sleep', '30']); print(child.pid in kill_children(), child.wait())")
    >>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()
    ['True', '-9']
    """
    killed = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            pids = [int(pid) for pid in task.read_text().split()]
        except (OSError, ValueError):  # the thread ended meanwhile
            continue
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except OSError:  # gone already
                pass
    return killed


#: The programs ``run_program`` is waiting for, in any thread (set.add, set.discard and list(set) are
#: atomic: a signal handler reads it without a lock, which the interrupted thread might hold).
_RUNNING: set[subprocess.Popen[bytes]] = set()


def run_program(cmd: Sequence[str], *, timeout: float, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)``, the program known to
    ``stop_programs`` while it runs. Raises as ``subprocess.run`` does (OSError, TimeoutExpired, the
    program killed first).

    >>> run_program(["echo", "hi"], timeout=10).stdout
    b'hi\\n'
    """
    with subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        _RUNNING.add(proc)
        try:
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise
        finally:
            _RUNNING.discard(proc)
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)


def stop_programs() -> int:
    """Kill every program ``run_program`` is waiting for (their threads see them end, killed); how many.
    Safe in a signal handler.

    >>> stop_programs()
    0
    """
    running = list(_RUNNING)
    for proc in running:
        try:
            proc.kill()
        except OSError:  # it ended meanwhile
            pass
    return len(running)
