"""What the benchmark and soak scripts share about the server they start."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable


def wait_serving(proc: subprocess.Popen, base: str, seconds: float, output: Callable[[], str]) -> bool:
    """Poll ``base``/api/v1/health until it answers 200 (True) or ``seconds`` pass (False); if
    the server exits first, stop with the tail of its ``output()``."""
    import httpx2 as httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited:\n{output()[-3000:]}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False
