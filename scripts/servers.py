"""How the browser tests and the benchmarks start a local JupyterLab: one command line."""

from __future__ import annotations

import sys
from pathlib import Path


def jupyterlab_command(port: int, root: Path | str) -> list[str]:
    """``python -m jupyterlab`` on 127.0.0.1:``port`` serving ``root``: no token, no browser
    of its own, and root allowed (CI runs as root)."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
    ]
