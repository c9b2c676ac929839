"""Batch coding of new interviews: streaming, resumable, on local workers or a Dask cluster.

>>> from tr_nlp.batch import make_engine, run_batch   # doctest: +SKIP
>>> report = run_batch(["incoming/"], "models/study", "out/batch", engine=make_engine("local", 2))  # doctest: +SKIP
"""

from tr_nlp.batch.engines import (ENGINES, DaskEngine, Engine, InProcess, LocalPool, make_engine, sized_local_engine,
                                  sized_workers)
from tr_nlp.batch.manifest import Entry, Manifest
from tr_nlp.batch.run import BatchReport, preflight, run_batch
from tr_nlp.batch.work import Result, Task, code_files

__all__ = [
    "ENGINES", "BatchReport", "DaskEngine", "Engine", "Entry", "InProcess", "LocalPool", "Manifest", "Result",
    "Task", "code_files", "make_engine", "preflight", "run_batch", "sized_local_engine", "sized_workers",
]
