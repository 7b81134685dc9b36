"""Imported by bulk import's fork server before it forks parse workers (``services.bulk``):
luoshi imported, a sample report parsed — data files loaded, patterns compiled — and all of it
frozen out of the collector's way, so that each worker forked from the server starts warm.

Best effort: a failure here only means workers warm up on their first file, as spawned ones do.
"""

from __future__ import annotations

import gc

from . import bulk, importer  # noqa: F401 - what the workers run, imported once here


def _warm() -> None:
    from .. import sample_path

    try:
        importer.prepare(sample_path())
    except Exception:  # noqa: BLE001 - see the module docstring
        pass


_warm()
gc.freeze()
