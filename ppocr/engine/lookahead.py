"""Read the next training batch in a thread while the current one trains.

With ``num_workers: 0`` the loader reads and augments each batch in the calling thread
(:class:`ppocr.data.loader.MainThreadLoader`), so the step waits for it; PaddleOCR's loader reads
ahead in a reader thread. Paddle's CPU kernels here keep one core busy, so the next batch can be read
on another while the step runs. :class:`Lookahead` does that for one batch at a time and only while
``run_step`` runs: the trainer starts the read (:meth:`Lookahead.read_ahead`) before the step and
waits for it (:meth:`Lookahead.settle`) before the hooks, so nothing else runs beside a sample's
transforms (evaluation seeds the same global RNGs per sample) and every sample draws what it draws
when read in the main thread. An error of the read (a DataError) is raised by :meth:`next` as itself,
in the trainer's thread; a signal there is not held up by the thread (a daemon).
"""

from __future__ import annotations

import threading

from ppocr.data.loader import MainThreadLoader

_END = object()


class Lookahead:
    def __init__(self, loader):
        self.it = iter(loader)
        self.threaded = type(loader) is MainThreadLoader  # workers already read ahead
        self.thread: threading.Thread | None = None
        self.result = None
        self.error: BaseException | None = None

    def _read(self) -> None:
        try:
            self.result = next(self.it, _END)
        except BaseException as e:  # noqa: BLE001 - raised again by next(), in the trainer's thread
            self.error = e

    def read_ahead(self) -> None:
        """Start reading the next batch (with a main-thread loader; otherwise :meth:`next` reads it)."""
        if self.threaded and self.thread is None:
            self.thread = threading.Thread(target=self._read, name="ppocr-lookahead", daemon=True)
            self.thread.start()

    def settle(self) -> None:
        """Wait until the read started by :meth:`read_ahead` (if any) is done."""
        if self.thread is not None:
            self.thread.join()

    def next(self):
        """The next batch, or None at the end of the loader's epoch."""
        if self.thread is None:
            self._read()
        else:
            self.thread.join()
            self.thread = None
        result, error = self.result, self.error
        self.result = self.error = None
        if error is not None:
            raise error
        return None if result is _END else result

    def close(self) -> None:
        """Leave the loader's iteration (its end-of-epoch logging runs); a read still running (the run
        is ending on a signal or an error) is left to its daemon thread."""
        if self.thread is None or not self.thread.is_alive():
            close = getattr(self.it, "close", None)
            if close is not None:
                close()
