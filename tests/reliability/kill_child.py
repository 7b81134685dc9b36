"""The process test_kill.py kills with SIGKILL: it writes through luoshi's own services.

    python kill_child.py writer URL          progress updates in a loop, one transaction each;
                                             after each commit prints "ID N" (acknowledged)
    python kill_child.py import URL FILE AT  ``luoshi import FILE --db URL``, but pausing at AT:
                                             "figures" (outline and figures inserted, inside the
                                             transaction) or "commit" (everything written, the
                                             commit not yet sent); prints "paused AT" and sleeps

The pauses are wrappers installed here, in the child, around the importer's own steps: nothing
in luoshi itself knows about them.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from luoshi import store
from luoshi.track import services as S

PAUSE = 120.0  # seconds: longer than any test waits, so the kill always comes first


def writer(url: str) -> None:
    """Report progress on the first tasks, round robin, until killed."""
    factory = store.open(url)
    with factory() as s:
        tasks = [t.id for t in S.list_tasks(s)][:5]
    today = dt.date.today()
    n = 0
    while True:
        n += 1
        with store.write_transaction(factory) as s:
            got = S.report_progress(s, tasks[n % len(tasks)], S.ProgressInput(
                reported_on=today, status="in_progress", narrative=f"kill-test {n}", percent=n % 100,
                problems="无" * (n % 50)), S.SYSTEM, None)
        print(got.id, n, flush=True)  # after the commit: acknowledged


def import_paused(url: str, path: str, at: str) -> None:
    from luoshi.cli import main
    from luoshi.services import importer

    def pause() -> None:
        print("paused", at, flush=True)
        time.sleep(PAUSE)

    if at == "figures":
        real_figures = importer._insert_figures

        def insert_figures(*a, **kw):
            ids = real_figures(*a, **kw)
            pause()
            return ids

        importer._insert_figures = insert_figures
    elif at == "commit":
        real_store = importer._store

        def store_then_pause(*a, **kw):
            result = real_store(*a, **kw)
            pause()  # write() commits when this returns
            return result

        importer._store = store_then_pause
    else:
        raise SystemExit(f"unknown pause point {at!r}")
    main(["import", path, "--db", url], prog_name="luoshi")


if __name__ == "__main__":
    if sys.argv[1] == "writer":
        writer(sys.argv[2])
    elif sys.argv[1] == "import":
        import_paused(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)
