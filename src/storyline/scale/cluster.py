"""A Dask client: a LocalCluster of worker processes on 127.0.0.1, or an existing scheduler."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[object]:
    """A connected `distributed.Client`; a local cluster it started is shut down on exit."""
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler, timeout="30s")
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(
        n_workers=workers or 1,
        threads_per_worker=1,  # spaCy holds the GIL: one extraction per process
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
