"""Render a project's documents on a Dask cluster: here a LocalCluster of two worker
processes on this machine (the same cores `--jobs 2` would use); pass a scheduler's
address to use a cluster that runs elsewhere.

    python build_on_dask.py PROJECT OUT [SCHEDULER]
    python build_on_dask.py . /tmp/packs
    python build_on_dask.py . /tmp/packs tcp://scheduler:8786
"""

from __future__ import annotations

import sys
from contextlib import ExitStack

from distributed import Client, LocalCluster

import briefgen


def build_on_dask(project_dir: str, out: str, scheduler: str | None = None) -> int:
    project = briefgen.load_project(project_dir)
    with ExitStack() as stack:
        if scheduler is None:  # one process per core, one task at a time in each
            cluster = stack.enter_context(LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None))
            scheduler = cluster.scheduler_address
        client = stack.enter_context(Client(scheduler))
        result = briefgen.build(project, out=out, executor=client.get_executor())
    print(f"{len(result.written)} documents in {out} ({len(result.rendered)} rendered)")
    return 0


if __name__ == "__main__":
    sys.exit(build_on_dask(*sys.argv[1:4]))
