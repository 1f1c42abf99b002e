"""Stop signals turned into exceptions while a command runs, so that clean-up code runs.

Every signal whose default is to end a process, and that a terminal, a shell or a service
manager sends to say "stop" (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM),
ends a render the same way: its clean-up runs, one line says so, and the exit code is
128 + N. SIGPIPE stays as Python sets it (ignored: a closed pipe is an error on the write).
The handlers are installed only inside `StopSignals` and put back after it.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

#: Seconds the clean-up has after a stop before the process is ended anyway (a library
#: may swallow the exception: autograd's `wraps` catches BaseException).
WATCHDOG = 0.5


class Terminated(BaseException):
    """A stop signal other than SIGINT, as an exception (a BaseException, as
    KeyboardInterrupt is, so that no `except Exception` swallows it). `signum` is the signal."""

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(signum)
        self.signum = signum


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1",
                                                         "SIGUSR2", "SIGALRM") if hasattr(signal, name))
_STOPPED = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):
    _STOPPED[signal.SIGHUP] = "hung up"


class SceneGuard:
    """What a scene's own code may not change of the process that runs it: the stop
    signals' handlers (put back as they were: a scene that ignores SIGTERM cannot make the
    tool unstoppable, nor change its caller's handlers), and the process itself (a copy
    the scene forked ends here, silently, rather than render and write a second time).
    `check()` does both now; leaving `handlers_kept` does too."""

    def __init__(self):
        self.pid = os.getpid()
        main = threading.current_thread() is threading.main_thread()
        self.saved = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS} if main else {}

    def check(self) -> None:
        if os.getpid() != self.pid:
            os._exit(0)
        for signum, handler in self.saved.items():
            if handler is not None and signal.getsignal(signum) is not handler:
                signal.signal(signum, handler)


@contextlib.contextmanager
def handlers_kept() -> Iterator[SceneGuard]:
    """While a scene's own code runs: a `SceneGuard`, checked as the code ends."""
    guard = SceneGuard()
    try:
        yield guard
    finally:
        guard.check()


def _silent(args) -> None:
    """A thread's exception, while the command stops: not said."""


def stopped_by(signum: int) -> str:
    """The stop in words: "interrupted", "terminated", "hung up", "stopped by SIGUSR1"."""
    return _STOPPED.get(signum) or f"stopped by {signal.Signals(signum).name}"


def stop_code(signum: int) -> int:
    return 128 + int(signum)


def signal_of(stop: BaseException) -> int:
    """The signal behind a KeyboardInterrupt or a Terminated."""
    return getattr(stop, "signum", signal.SIGINT)


class StopSignals:
    """While active, SIGINT raises KeyboardInterrupt and every other STOP_SIGNALS raises
    Terminated (a signal that was ignored when it started stays ignored, as `nohup` wants).

    Only the first signal raises: a second Ctrl-C during the clean-up would interrupt the
    clean-up itself. A watchdog ends the process if it still runs WATCHDOG seconds later,
    saying so through `say` once. Outside the main thread it does nothing.
    """

    def __init__(self, say: Callable[[str], None], what: str = "nothing was written"):
        self.say, self.what = say, what
        self.received = None  # the first stop signal, once one has arrived
        self._reported = threading.Lock()  # held once the stop has been said
        self._watchdog = None
        self._saved = {}
        self._excepthook = self._unraisablehook = None
        self._signal = None

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is not threading.main_thread():
            return self  # signal handlers can only be set from the main thread
        for signum in STOP_SIGNALS:
            current = signal.getsignal(signum)
            if current is signal.SIG_IGN or (signum == signal.SIGINT and current is not signal.default_int_handler):
                continue
            self._saved[signum] = signal.signal(signum, self._on_signal)
        # While the command runs, no code of a scene's may take a stop signal from it (a
        # surface that ignores SIGTERM at every call would make the render unstoppable):
        # its `signal.signal` for one of them changes nothing. (In this process only: a
        # drawing process sets its own.)
        self._signal, owner, ours = signal.signal, os.getpid(), tuple(self._saved)

        def guarded(signum, handler):
            if os.getpid() == owner and signum in ours:
                return signal.getsignal(signum)
            return self._signal(signum, handler)

        signal.signal = guarded
        return self

    def __exit__(self, *exc) -> None:
        if self._signal is not None:
            signal.signal = self._signal
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        if self._excepthook is not None:
            threading.excepthook, sys.unraisablehook = self._excepthook, self._unraisablehook
        self.disarm()

    def disarm(self) -> None:
        """For code that caught the stop and reports it by itself (`all`)."""
        if self._watchdog is not None:
            self._watchdog.cancel()

    def _on_signal(self, signum, frame):
        if self.received is not None:
            return  # already stopping: let the clean-up finish (the watchdog has the last word)
        self.received = signum
        # Stopping: the one line says so. A helper thread that the stop breaks (a process
        # pool's queue feeder, writing to a worker just ended), or a lock the stop broke as
        # it was let go, must not add a traceback.
        self._excepthook, threading.excepthook = threading.excepthook, _silent
        self._unraisablehook, sys.unraisablehook = sys.unraisablehook, _silent
        self._watchdog = threading.Timer(WATCHDOG, self._end, (signum,))
        self._watchdog.daemon = True
        self._watchdog.start()
        raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)

    def _end(self, signum) -> None:
        """The watchdog's last resort: stop the child processes, say so, exit."""
        for child in multiprocessing.active_children():
            child.terminate()
        os._exit(self.report(signum))

    def report(self, signum) -> int:
        """Say once that a signal stopped the command; its exit code."""
        if self._reported.acquire(blocking=False):
            self.say(f"{stopped_by(signum)}; {self.what}")
        return stop_code(signum)
