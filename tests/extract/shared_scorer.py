"""The shared scorer (../shared/eval/score.py), loaded for the accuracy tests: skipped where
../shared is not beside the checkout, a failure on CI, where it always is."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"


def scorer(*needed: Path):
    """The scorer module, once ``needed`` paths (besides the scorer) exist too."""
    path = SHARED / "eval" / "score.py"
    if not path.exists() or not all(p.exists() for p in needed):
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing on CI: {', '.join(str(p) for p in (path, *needed) if not p.exists())}")
        pytest.skip("../shared is not beside this checkout")
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
