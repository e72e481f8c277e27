"""A second Python process for work that holds the GIL, so that it runs beside the main one.

The normalisers are pure Python and vl-convert holds the GIL while it starts and draws, so on
their own threads they would only take turns. ``Helper`` starts ``python -m jobatlas.helper``
(not ``multiprocessing``, whose children import the parent's ``__main__`` again: the whole
command line) and sends it calls of module-level functions, by module and name, with pickled
arguments over its standard input; results come back in order on its standard output. The
pipes are private to the two processes, and the child runs jobatlas' own functions only.

If the child cannot be started or dies, a call runs in the calling process instead, so a
helper only ever changes where the work is done.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")

#: Net allocations between two collections of the youngest generation (Python's default 700).
GC_ALLOCATIONS = 50_000


class _Gone(Exception):
    """The child process stopped before answering."""


class Pending(Generic[T]):
    """A call sent to the helper; ``result()`` waits for its value (or its exception)."""

    def __init__(self, future: Future[Any], function: Callable[..., T], args: tuple[Any, ...]):
        self._future = future
        self._function = function
        self._args = args

    def done(self) -> bool:
        """Whether ``result()`` would return (or raise) without waiting for the child."""
        return self._future.done()

    def result(self) -> T:
        try:
            value: T = self._future.result()
        except _Gone:
            return self._function(*self._args)
        return value


class Helper:
    """One child process that runs the calls given to ``submit``, one at a time, in order.
    It is started with this process's environment and working folder (``started_in``)."""

    def __init__(self) -> None:
        self.started_in = _context()
        self._lock = threading.Lock()
        self._waiting: deque[Future[Any]] = deque()
        self._requests: queue.SimpleQueue[tuple[Future[Any], bytes] | None] = queue.SimpleQueue()
        self._ended = False
        self._closed = False
        self._process: subprocess.Popen[bytes] | None = None
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "jobatlas.helper"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError:
            return
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        self._reader = threading.Thread(
            target=self._read, args=(stdout,), name="helper", daemon=True
        )
        self._reader.start()
        self._writer = threading.Thread(
            target=self._write, args=(stdin,), name="helper-writer", daemon=True
        )
        self._writer.start()

    @property
    def pid(self) -> int | None:
        """The child's process id (None if it could not be started)."""
        return self._process.pid if self._process is not None else None

    def submit(self, function: Callable[..., T], *args: Any) -> Pending[T]:
        """Send ``function(*args)`` to the child; ``function`` must be a module-level function
        of jobatlas and its arguments and result picklable. The request is written by a
        thread of its own, so the caller never waits for a busy child to read it."""
        future: Future[Any] = Future()
        request = pickle.dumps((function.__module__, function.__qualname__, args), protocol=5)
        with self._lock:  # the order of ``_waiting`` is the order the requests are written
            if self._process is None or self._ended or self._closed:
                future.set_exception(_Gone())
            else:
                self._waiting.append(future)
                self._requests.put((future, request))
        return Pending(future, function, args)

    def close(self, wait: bool = False) -> None:
        """Let the child finish what it was given and exit (end of its input); with ``wait``,
        wait until it has."""
        with self._lock:
            if self._process is not None and not self._closed:
                self._closed = True
                self._requests.put(None)  # the writer closes the child's input after the rest
        if wait and self._process is not None:
            self._reader.join()

    def _write(self, stdin: IO[bytes]) -> None:
        while (item := self._requests.get()) is not None:
            future, request = item
            try:
                stdin.write(request)
                stdin.flush()
            except (OSError, ValueError):  # the child is gone: the reader fails what waits
                with self._lock:
                    if future in self._waiting:
                        self._waiting.remove(future)
                with contextlib.suppress(InvalidStateError):
                    future.set_exception(_Gone())
        with contextlib.suppress(OSError):
            stdin.close()

    def _read(self, stdout: IO[bytes]) -> None:
        while True:
            try:
                ok, value = pickle.load(stdout)
            except Exception:  # end of file, or a reply that cannot be read: the child is gone
                break
            with self._lock:
                future = self._waiting.popleft()
            if ok:
                future.set_result(value)
            else:  # None: the child could not send its exception
                future.set_exception(value if isinstance(value, BaseException) else _Gone())
        with self._lock:
            self._ended = True  # later calls run in the caller
            while self._waiting:
                self._waiting.popleft().set_exception(_Gone())
        stdout.close()
        if self._process is not None:
            self._process.wait()


_SHARED: list[Helper] = []


def shared() -> Helper:
    """This process's helper, started on the first call (so that a caller can start it early
    and the next one find it ready), and again if the environment or working folder changed
    since, which the child would not see."""
    if _SHARED and _SHARED[0].started_in != _context():
        _SHARED.pop().close()
    if not _SHARED:
        _SHARED.append(Helper())
        atexit.register(_SHARED[0].close, wait=True)
    return _SHARED[0]


def running() -> Helper | None:
    """This process's helper if one was started and still sees this process's environment."""
    return _SHARED[0] if _SHARED and _SHARED[0].started_in == _context() else None


def _context() -> tuple[str, dict[str, str]]:
    return os.getcwd(), dict(os.environ)


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    while True:
        try:
            module, name, args = pickle.load(requests)
        except EOFError:
            return  # the parent is done
        try:
            reply = (True, getattr(importlib.import_module(module), name)(*args))
        except Exception as exc:  # sent back, raised by the caller
            reply = (False, exc)
        try:
            data = pickle.dumps(reply, protocol=5)
        except Exception:  # an exception that cannot be pickled: the caller runs the call
            data = pickle.dumps((False, None), protocol=5)
        replies.write(data)
        replies.flush()


def main() -> None:
    """The child: answer requests until the parent closes the pipe. Anything the called code
    prints goes to standard error, so that it cannot mix with the replies. Like the
    ``jobatlas`` command (``cli.entry``), it collects cyclic garbage every ``GC_ALLOCATIONS``
    allocations: the tables it loads live as long as it does."""
    gc.set_threshold(GC_ALLOCATIONS, 20, 20)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, replies)
    replies.close()
    sys.stderr.flush()
    os._exit(0)  # every reply is sent: the parent may be waiting, skip the teardown


if __name__ == "__main__":
    main()
