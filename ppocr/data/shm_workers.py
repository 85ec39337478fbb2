"""Loader worker processes that hand batches over through shared memory, without copies.

Paddle's multi-process loader copies each collated array twice on its way to the main process
(into a DenseTensor, then into fresh shared memory when pickled): ~45 MB per det batch of 4, and
fresh pages are slow to fault in, about a third of a worker's time. Here a worker writes each large
batch array into a file under ``/dev/shm`` (:class:`SlotAllocator`, as the memory of the batch
rows, :mod:`ppocr.data.batch_slots`, and of the collate's stacks) and sends its name; the main
process maps the file once (unlinking its name at once) and hands the array on as it is. When
nothing uses that array any more (the training step is done with the batch) the main process sends
the file's name back, and the worker writes a later batch into it: pages are mapped once, and
nothing is copied on either side. Small arrays and everything else travel pickled.

Batches keep the sampler's order: batch ``i`` is read by worker ``i % n``, each worker has its own
queues, and at most ``prefetch`` batches per worker are in flight. Samples are seeded by the
dataset from (seed, epoch, index), so the batches equal the main-thread loader's bit for bit.
A worker stops when its parent is gone; a DataError in a worker is raised in the main process as
itself, and a worker that dies ends the iteration with a DataError naming its exit code.
"""

from __future__ import annotations

import atexit
import collections
import functools
import itertools
import mmap
import os
import queue
import traceback
import weakref

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
    """A worker's ``empty(shape, dtype)`` for a batch: large arrays go to shared files. A file is
    lent to the main process with the batch and is reused once its name comes back on ``returns``
    (or at once when the batch did not keep the array); a new file is made when none is free."""

    def __init__(self, prefix: str, returns=None):
        self.prefix = prefix
        self.returns = returns
        self.files: dict[str, tuple[int, mmap.mmap]] = {}  # path -> (size, map)
        self.free: list[str] = []
        self.names = itertools.count()
        self.made: list[tuple[np.ndarray, tuple]] = []

    def start(self, job: int = 0) -> None:
        """A new batch: files handed out for one that was never sent (an error) are free again."""
        self.free += [ref[1] for _, ref in self.made]
        self.made = []

    def _reclaim(self) -> None:
        while self.returns is not None:
            try:
                path = self.returns.get_nowait()
            except (queue.Empty, OSError, ValueError):
                return
            if path in self.files:
                self.free.append(path)

    def _new_file(self, size: int) -> str | None:
        path = f"{self.prefix}{next(self.names)}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            # reserve the pages now: a full /dev/shm (64 MB in a default docker container) is
            # then an OSError here, and the array travels pickled, not a SIGBUS on writing
            os.posix_fallocate(fd, 0, size)
            buf = mmap.mmap(fd, size, flags=mmap.MAP_SHARED | POPULATE)
        except OSError:
            os.unlink(path)
            return None
        finally:
            os.close(fd)
        self.files[path] = (size, buf)
        return path

    def __call__(self, shape, dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        count = int(np.prod(shape))
        size = count * dtype.itemsize
        if size < MIN_SHARED_BYTES:
            return np.empty(shape, dtype)
        self._reclaim()
        fits = [p for p in self.free if self.files[p][0] >= size]
        if fits:
            path = min(fits, key=lambda p: self.files[p][0])
            self.free.remove(path)
        else:
            path = self._new_file(size)
            if path is None:
                return np.empty(shape, dtype)
        fsize, buf = self.files[path]
        arr = np.frombuffer(buf, dtype=dtype, count=count).reshape(shape)
        self.made.append((arr, ("__shm__", path, fsize, arr.shape, dtype.str)))
        return arr

    def pack(self, batch: dict) -> dict:
        """The batch with its shared arrays replaced by references to their files; files whose
        arrays the batch does not hold are free again."""
        refs = {id(arr): ref for arr, ref in self.made}
        out = {k: refs.pop(id(v), v) if isinstance(v, np.ndarray) else v for k, v in batch.items()}
        unsent = [arr for arr, ref in self.made if id(arr) in refs]
        for k, v in out.items():  # arrays kept in a list (not stacked) may be rows of those files:
            if isinstance(v, list) and unsent:  # copies, as the queue pickles them later
                out[k] = [x.copy() if isinstance(x, np.ndarray) and any(
                    np.may_share_memory(x, arr) for arr in unsent) else x for x in v]
        self.free += [ref[1] for ref in refs.values()]
        self.made = []
        return out


class SlotReader:
    """The main process's side: maps each worker file once (and unlinks its name, so nothing is
    left behind however the run ends) and hands its array on without a copy. When that array is
    freed the file is noted (``freed``, appended to by the array's finalizer wherever it runs) and
    :meth:`give_back` sends it to its worker (``worker``: the index :meth:`unpack` was given;
    None: the arrays are copied out and nothing is given back)."""

    def __init__(self):
        self.maps: dict[str, mmap.mmap] = {}
        self.freed: collections.deque = collections.deque()

    def give_back(self, returns: list) -> None:
        while self.freed:
            worker, path = self.freed.popleft()
            try:
                returns[worker].put(path)
            except (ValueError, OSError):  # closed: that worker has ended
                pass

    def unpack(self, batch: dict, worker: int | None = None) -> dict:
        out = {}
        for k, v in batch.items():
            if isinstance(v, tuple) and len(v) == 5 and v[0] == "__shm__":
                _, path, size, shape, dtype = v
                buf = self.maps.get(path)
                if buf is None:
                    fd = os.open(path, os.O_RDWR)
                    try:
                        buf = self.maps[path] = mmap.mmap(fd, size, flags=mmap.MAP_SHARED | POPULATE)
                    finally:
                        os.close(fd)
                        os.unlink(path)
                whole = np.frombuffer(buf, dtype=np.dtype(dtype), count=int(np.prod(shape)))
                if worker is None:
                    v = whole.reshape(shape).copy()
                else:
                    weakref.finalize(whole, self.freed.append, (worker, path))
                    v = whole.reshape(shape)
            out[k] = v
        return out

    def close(self) -> None:
        """Forget the maps; each closes when the last array on it is freed (a batch may outlive
        the iteration)."""
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


def worker_loop(dataset, collate_fn, jobs, results, prefix: str, parent: int, returns=None) -> None:
    _worker_signals()
    alloc = SlotAllocator(prefix, returns)
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
        alloc.start()
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
        returns = [ctx.Queue() for _ in range(n)]  # files whose batch arrays were freed
        procs = [ctx.Process(target=worker_loop, daemon=True,
                             args=(self.dataset, self.collate_fn, jobs[i], results[i], f"{prefix}{i}_",
                                   os.getpid(), returns[i]))
                 for i in range(n)]
        reader = SlotReader()
        for p in procs:
            p.start()
        stop = functools.partial(_shutdown, procs, jobs, results + returns, prefix)
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
                batch = reader.unpack(payload, seq % n)
                reader.give_back(returns)
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
