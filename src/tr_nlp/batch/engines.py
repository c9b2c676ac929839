"""Where batch work runs: in this process, a local process pool, or a Dask cluster.

Every engine maps a function over a stream of tasks and yields results as they finish,
with at most ``window`` tasks in flight, so memory does not grow with the number of
inputs. Results arrive in completion order; the batch orders its combined outputs itself,
so they do not depend on the engine or the number of workers.

A worker process may die under a task (killed by the system when memory runs out, or a
crash in native code on a hostile file). Given ``lost``, an engine then goes on: the
task's result is ``lost(task, error)``, and the other tasks run to the end. A process
pool learns which task killed its worker by running those in flight again one at a time
(split by ``split`` first); Dask gives up on a task whose workers died three times.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Protocol, TypeVar

from tr_nlp.batch.work import init_worker
from tr_nlp.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")
ENGINES = ("local", "dask")
#: Bytes of input still to code per local worker, when the number of workers is left to
#: the batch (:func:`sized_local_engine`). A worker process first spends seconds importing
#: spaCy and torch and loading the model, which only more work pays back: on 2 cores
#: (``benchmarks/throughput.py``, interview files of ~4 KB) 50 files (0.2 MB) ran 21%
#: faster in this process than on 2 workers, 100 files (0.4 MB) as fast (two runs), 150
#: files (0.62 MB) 6% and 16% faster on 2 workers (two runs), 200 files (~0.8 MB) 19%.
BYTES_PER_WORKER = 500_000


class Engine(Protocol):
    """Maps a function over tasks, yielding results as they complete."""

    description: str
    workers: int

    def imap(self, func: Callable[[T], R], tasks: Iterable[T], lost: Callable[[T, BaseException], R] | None = None,
             split: Callable[[T], list[T]] | None = None) -> Iterator[R]: ...

    def close(self) -> None: ...


class InProcess:
    """One worker: this process (no start-up cost, the model is loaded once here)."""

    description = "local, 1 worker (in process)"
    workers = 1

    def imap(self, func: Callable[[T], R], tasks: Iterable[T], lost: Callable[[T, BaseException], R] | None = None,
             split: Callable[[T], list[T]] | None = None) -> Iterator[R]:
        return map(func, tasks)  # a process that dies here is the batch itself

    def close(self) -> None:
        pass


class LocalPool:
    """``workers`` processes on this machine (spawned, one thread each)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.description = f"local, {workers} worker processes"
        self._pool = self._start()
        self._generation = 0  # pools started after one broke

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker)

    def _restart(self, generation: int) -> None:
        """A new pool in place of pool ``generation``, which a dead worker broke (unless done already)."""
        if generation == self._generation:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            self._generation += 1

    def _submit(self, func: Callable[[T], R], task: T) -> tuple[Future[R], int]:
        try:
            return self._pool.submit(func, task), self._generation
        except BrokenProcessPool:  # a worker died between tasks (the system out of memory, say)
            self._restart(self._generation)
            return self._pool.submit(func, task), self._generation

    def imap(self, func: Callable[[T], R], tasks: Iterable[T], lost: Callable[[T, BaseException], R] | None = None,
             split: Callable[[T], list[T]] | None = None) -> Iterator[R]:
        """``func`` over ``tasks`` (see the module docstring for ``lost`` and ``split``)."""
        stream = iter(tasks)
        pending: dict[Future[R], tuple[T, int, bool]] = {}  # task, its pool's generation, whether run alone
        suspects: deque[T] = deque()  # in flight when a worker died: run again one at a time
        window = 2 * self.workers
        while True:
            if suspects and not pending:
                task = suspects.popleft()
                future, generation = self._submit(func, task)
                pending[future] = task, generation, True
            elif not suspects:
                for task in islice(stream, window - len(pending)):
                    future, generation = self._submit(func, task)
                    pending[future] = task, generation, False
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task, generation, alone = pending.pop(future)
                cancelled = future.cancelled()  # by a restart, before it ran
                error = None if cancelled else future.exception()
                if not (cancelled or isinstance(error, BrokenProcessPool)) or lost is None:
                    yield future.result()
                    continue
                self._restart(generation)
                if alone:  # it killed its worker with no other task beside it
                    yield lost(task, error)
                else:
                    suspects.extend(split(task) if split is not None else [task])

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """A Dask cluster: an existing scheduler, or a ``LocalCluster`` of ``workers`` processes.

    The model folder and the inputs must be on a file system every worker can read. How
    long to keep trying to reach a ``scheduler`` is Dask's own setting
    ``distributed.comm.timeouts.connect`` (30 s unless set, e.g. with the environment
    variable ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s``).
    """

    def __init__(self, workers: int, scheduler: str | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency
            raise ConfigError("E163", detail="--engine dask needs dask.distributed; reinstall tr_nlp") from None
        self._cluster = None
        if scheduler:
            try:
                self._client = Client(scheduler)
            except (OSError, TimeoutError) as exc:
                raise ConfigError("E163", detail=f"cannot reach the Dask scheduler {scheduler} ({exc})") from None
        else:
            # the scheduler's HTTP server (health, metrics) on a free port of this machine only: with
            # no address Dask takes 8787, and where another cluster holds it, warns and picks another
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                         dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        try:  # a busy machine can take a while to start (or connect) its workers
            self._client.wait_for_workers(workers if self._cluster is not None else 1, timeout=120)
        except TimeoutError:
            raise ConfigError("E163", detail=f"no Dask worker joined {scheduler or 'the local cluster'} "
                                             "within 120 s; start workers with 'dask worker ADDRESS'") from None
        self._client.run(init_worker)
        count = len(self._client.scheduler_info().get("workers", {}))
        self.workers = max(count, 1)
        self.window = 2 * self.workers
        plural = "" if count == 1 else "s"
        self.description = f"dask, {count} worker{plural}" + (f" at {scheduler}" if scheduler else " (local cluster)")

    def imap(self, func: Callable[[T], R], tasks: Iterable[T], lost: Callable[[T, BaseException], R] | None = None,
             split: Callable[[T], list[T]] | None = None) -> Iterator[R]:
        """``func`` over ``tasks``; a task whose workers died (Dask's ``KilledWorker``, after
        three) gives ``lost(task, error)`` where ``lost`` is given."""
        from distributed import as_completed

        stream = iter(tasks)
        which: dict[str, T] = {}

        def submit(task: T) -> Any:
            future = self._client.submit(func, task, pure=False)
            which[future.key] = task
            return future

        running = as_completed([submit(t) for t in islice(stream, self.window)])
        for future in running:
            task = which.pop(future.key)
            try:
                result: Any = future.result()
            except Exception as exc:
                if lost is None:
                    raise
                result = lost(task, exc)
            future.release()
            following = next(stream, None)
            if following is not None:
                running.add(submit(following))
            yield result

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def sized_workers(pending_bytes: int, cores: int | None = None) -> int:
    """Local workers for ``pending_bytes`` of input to code: one per ``BYTES_PER_WORKER``
    begun, at most ``cores`` (default: this machine's).

    >>> sized_workers(200_000, 8), sized_workers(1_600_000, 8), sized_workers(50_000_000, 8)
    (1, 4, 8)
    """
    return max(1, min(cores or os.cpu_count() or 1, math.ceil(pending_bytes / BYTES_PER_WORKER)))


def sized_local_engine(cores: int | None = None) -> Callable[[int], Engine]:
    """A local engine chosen once the input still to code is known: give it to
    :func:`~tr_nlp.batch.run_batch`, which calls it with that input's size in bytes
    (:func:`sized_workers` workers; one runs in this process) and closes what it returns."""
    return lambda pending_bytes: make_engine("local", sized_workers(pending_bytes, cores))


def make_engine(engine: str, workers: int, scheduler: str | None = None) -> Engine:
    """The engine for the ``--engine``, ``--workers`` and ``--scheduler`` options."""
    if engine not in ENGINES:
        raise ConfigError("E163", detail=f"--engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers < 1:
        raise ConfigError("E163", detail=f"--workers {workers}; expected 1 or more")
    if engine == "dask":
        return DaskEngine(workers, scheduler)
    if scheduler:
        raise ConfigError("E163", detail="--scheduler needs --engine dask")
    return InProcess() if workers == 1 else LocalPool(workers)
