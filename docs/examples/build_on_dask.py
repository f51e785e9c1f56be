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

import dask
from distributed import Client, LocalCluster

import briefgen

# What a worker does beside the task, which a build needs none of: Dask's profiler samples
# the running task's stack every 10 ms, and the event loop ticks every 20 ms. On
# WeasyPrint's deep stacks the two make each document 10-15 % slower to render. (Workers
# started by `dask worker` read the same settings from their environment:
# DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL=1s)
FOR_BUILDS = {"distributed.worker.profile.enabled": False,
              "distributed.admin.tick.interval": "1s"}


def build_on_dask(project_dir: str, out: str, scheduler: str | None = None) -> int:
    project = briefgen.load_project(project_dir)
    with ExitStack() as stack:
        if scheduler is None:  # one process per core, one task at a time in each
            stack.enter_context(dask.config.set(FOR_BUILDS))
            cluster = stack.enter_context(LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None))
            scheduler = cluster.scheduler_address
        client = stack.enter_context(Client(scheduler))
        result = briefgen.build(project, out=out, executor=client.get_executor())
    print(f"{len(result.written)} documents in {out} ({len(result.rendered)} rendered)")
    return 0


if __name__ == "__main__":
    sys.exit(build_on_dask(*sys.argv[1:4]))
