"""The pipeline run as an application: readers -> extraction -> store.

`inputs` turns the paths named into Articles (or the reasons they cannot be read), `work` runs the
one extraction function here or on a Dask cluster, and `run.ingest` stores what was extracted,
skipping what the store already holds. The store itself only persists and reads.

>>> from storyline.ingest import ingest, read_inputs
>>> from storyline.store import Store
>>> with Store("storyline.db") as store:
...     report = ingest(store, read_inputs(["articles/"]))
"""

from storyline.ingest.inputs import ARTICLE_SUFFIXES, STDIN, expand, read_inputs
from storyline.ingest.run import IngestReport, ingest
from storyline.ingest.work import extract_batch, in_process, on_cluster

__all__ = [
    "ARTICLE_SUFFIXES",
    "STDIN",
    "IngestReport",
    "expand",
    "extract_batch",
    "in_process",
    "ingest",
    "on_cluster",
    "read_inputs",
]
