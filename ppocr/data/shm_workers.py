"""Loader worker processes that hand batches over through reused shared memory.

Paddle's multi-process loader copies each collated array twice on its way to the main process
(into a DenseTensor, then into fresh shared memory when pickled): ~45 MB per det batch of 4, and
fresh pages are slow to fault in, about a third of a worker's time. Here a worker stacks each
large batch array straight into a file under ``/dev/shm`` that it reuses batch after batch
(:class:`SlotAllocator`, through :func:`ppocr.data.collate.collate`'s ``empty``) and sends its
name; the main process maps the file once (unlinking its name at once) and copies the array out,
in parallel with the workers. Small arrays and everything else travel pickled.

Batches keep the sampler's order: batch ``i`` is read by worker ``i % n``, each worker has its own
queues, and at most ``prefetch`` batches per worker are in flight. Samples are seeded by the
dataset from (seed, epoch, index), so the batches equal the main-thread loader's bit for bit.
A worker stops when its parent is gone; a DataError in a worker is raised in the main process as
itself, and a worker that dies ends the iteration with a DataError naming its exit code.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import mmap
import os
import queue
import traceback

import numpy as np

from ppocr.data import batch_slots
from ppocr.errors import DataError

SHM_DIR = "/dev/shm"
MIN_SHARED_BYTES = 1 << 16  # smaller arrays are pickled with the batch
POPULATE = getattr(mmap, "MAP_POPULATE", 0)  # map the pages at once, not by one fault each
_counter = itertools.count()


def available() -> bool:
    return os.path.isdir(SHM_DIR) and os.access(SHM_DIR, os.W_OK)


class SlotAllocator:
    """A worker's ``empty(shape, dtype)`` for the collate: large arrays go to shared files reused
    batch after batch (``slots`` sets of them, one per batch that may be in flight), so their pages
    are mapped once; a file is replaced by a larger one when an array outgrows it."""

    def __init__(self, prefix: str, slots: int):
        self.prefix = prefix
        self.slots = slots
        self.files: dict[tuple[int, int], tuple[str, int, mmap.mmap]] = {}
        self.names = itertools.count()
        self.start(0)

    def start(self, job: int) -> None:
        self.slot, self.k, self.made = job % self.slots, 0, []

    def __call__(self, shape, dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        count = int(np.prod(shape))
        size = count * dtype.itemsize
        if size < MIN_SHARED_BYTES:
            return np.empty(shape, dtype)
        key = (self.slot, self.k)
        self.k += 1
        old = self.files.get(key)
        replaced = None
        if old is None or old[1] < size:
            path = f"{self.prefix}{next(self.names)}"
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                # reserve the pages now: a full /dev/shm (64 MB in a default docker container) is
                # then an OSError here, and the array travels pickled, not a SIGBUS on writing
                os.posix_fallocate(fd, 0, size)
                buf = mmap.mmap(fd, size, flags=mmap.MAP_SHARED | POPULATE)
            except OSError:
                os.unlink(path)
                return np.empty(shape, dtype)
            finally:
                os.close(fd)
            self.files[key] = (path, size, buf)
            replaced = old[0] if old else None
        path, fsize, buf = self.files[key]
        arr = np.frombuffer(buf, dtype=dtype, count=count).reshape(shape)
        self.made.append((arr, ("__shm__", path, fsize, arr.shape, dtype.str, replaced)))
        return arr

    def pack(self, batch: dict) -> dict:
        """The batch with its shared arrays replaced by references to their files."""
        refs = {id(arr): ref for arr, ref in self.made}
        out = {k: refs.get(id(v), v) if isinstance(v, np.ndarray) else v for k, v in batch.items()}
        self.made = []
        return out


class SlotReader:
    """The main process's side: maps each worker file once (and unlinks its name, so nothing is
    left behind however the run ends) and copies the batch arrays out of it."""

    def __init__(self):
        self.maps: dict[str, mmap.mmap] = {}

    def unpack(self, batch: dict) -> dict:
        out = {}
        for k, v in batch.items():
            if isinstance(v, tuple) and len(v) == 6 and v[0] == "__shm__":
                _, path, size, shape, dtype, replaced = v
                if replaced is not None and replaced in self.maps:
                    self.maps.pop(replaced).close()
                buf = self.maps.get(path)
                if buf is None:
                    fd = os.open(path, os.O_RDWR)
                    try:
                        buf = self.maps[path] = mmap.mmap(fd, size, flags=mmap.MAP_SHARED | POPULATE)
                    finally:
                        os.close(fd)
                        os.unlink(path)
                dt = np.dtype(dtype)
                v = np.frombuffer(buf, dtype=dt, count=int(np.prod(shape))).reshape(shape).copy()
            out[k] = v
        return out

    def close(self) -> None:
        for buf in self.maps.values():
            buf.close()
        self.maps.clear()


def _worker_signals() -> None:
    """SIGTERM ends a worker (the parent's handler, or a mask it forked with, would keep it alive
    and the exit's join waiting); Ctrl-C is the main process's to handle; and on Linux the worker
    gets SIGKILL when the loading process dies."""
    import signal

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_loop(dataset, collate_fn, jobs, results, prefix: str, parent: int, slots: int) -> None:
    _worker_signals()
    alloc = SlotAllocator(prefix, slots)
    done = 0
    while True:
        try:
            job = jobs.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:
                return
            continue
        if job is None:
            return
        seq, keys = job
        alloc.start(done)
        done += 1
        batch = None
        try:
            batch = batch_slots.read_batch(dataset, keys, collate_fn, empty=alloc)
            results.put((seq, "ok", alloc.pack(batch)))
        except DataError as e:
            results.put((seq, "data_error", str(e)))
        except Exception as e:  # noqa: BLE001 - reported in the main process with its traceback
            results.put((seq, "error", f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))
        del batch, job


class SharedMemoryWorkers:
    """Iterate ``batch_sampler`` with ``num_workers`` forked processes; yields numpy batch dicts."""

    def __init__(self, dataset, batch_sampler, collate_fn, num_workers: int, prefetch: int = 2):
        self.dataset = dataset
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn
        self.num_workers = int(num_workers)
        self.prefetch = max(1, int(prefetch))

    def __iter__(self):
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        n = self.num_workers
        prefix = os.path.join(SHM_DIR, f"ppocr_{os.getpid()}_{next(_counter)}_")
        jobs = [ctx.Queue() for _ in range(n)]
        results = [ctx.Queue() for _ in range(n)]
        # a worker reuses its files after `prefetch` + 1 batches: by then the main process has
        # copied that batch out (it sends a worker's next job only after copying its last batch)
        procs = [ctx.Process(target=worker_loop, daemon=True,
                             args=(self.dataset, self.collate_fn, jobs[i], results[i], f"{prefix}{i}_",
                                   os.getpid(), self.prefetch + 1))
                 for i in range(n)]
        reader = SlotReader()
        for p in procs:
            p.start()
        stop = functools.partial(_shutdown, procs, jobs, results, prefix)
        atexit.register(stop)  # an iterator left open at exit still ends its workers and files
        try:
            batches = enumerate(iter(self.batch_sampler))
            sent = 0
            for seq, keys in itertools.islice(batches, n * self.prefetch):
                jobs[seq % n].put((seq, list(keys)))
                sent += 1
            for seq in itertools.count():
                if seq >= sent:
                    return
                got_seq, status, payload = self._get(results[seq % n], procs[seq % n])
                if status != "ok":
                    raise DataError(payload) if status == "data_error" else \
                        RuntimeError(f"loader worker failed: {payload}")
                batch = reader.unpack(payload)  # copied out before the worker may reuse its files
                for nseq, keys in itertools.islice(batches, 1):
                    jobs[nseq % n].put((nseq, list(keys)))
                    sent += 1
                yield batch
        finally:
            atexit.unregister(stop)
            stop()
            reader.close()

    @staticmethod
    def _get(results, proc):
        while True:
            try:
                return results.get(timeout=1.0)
            except queue.Empty:
                if not proc.is_alive():
                    raise DataError(f"a data loader worker exited unexpectedly (exit code {proc.exitcode}); "
                                    f"out of memory? try fewer Train.loader.num_workers, or use_shared_memory: false") from None


def _shutdown(procs, jobs, results, prefix: str) -> None:
    """Stop the workers (a second call does nothing more) and remove batch files nobody read."""
    for q in jobs:
        try:
            q.put(None)
        except (ValueError, OSError):  # already closed
            pass
    for p in procs:
        p.join(timeout=2)
        if p.is_alive():
            p.kill()
            p.join()
    for q in jobs + results:
        q.cancel_join_thread()
        q.close()
    _remove_leftovers(prefix)


def _remove_leftovers(prefix: str) -> None:
    folder, start = os.path.split(prefix)
    for name in os.listdir(folder):
        if name.startswith(start):
            try:
                os.unlink(os.path.join(folder, name))
            except FileNotFoundError:
                pass
