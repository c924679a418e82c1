"""How the browser tests and the benchmarks start a local JupyterLab and a notebook's kernel."""

from __future__ import annotations

import http.cookiejar
import json
import sys
import urllib.request
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


def start_notebook_kernel(url: str, root: Path | str, name: str) -> str:
    """Start the kernel of notebook ``name`` (under ``root``, served at ``url``) through the
    server's REST API, as JupyterLab would: a session for its path, with the kernel its
    metadata names. Returns the kernel id.

    JupyterLab then connects to this session instead of choosing and starting a kernel
    itself, the step that can end in a "Select Kernel" prompt on a busy machine (when the
    kernel specs arrive late, or the start takes too long).
    """
    notebook = json.loads(Path(root, name).read_text(encoding="utf-8"))
    kernel = notebook.get("metadata", {}).get("kernelspec", {}).get("name", "python3")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{url}lab", timeout=60).read()  # sets the _xsrf cookie
    xsrf = next(cookie.value for cookie in jar if cookie.name == "_xsrf")
    body = {"path": name, "name": name, "type": "notebook", "kernel": {"name": kernel}}
    request = urllib.request.Request(
        f"{url}api/sessions",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-XSRFToken": xsrf},
    )
    with opener.open(request, timeout=120) as response:
        return json.loads(response.read())["kernel"]["id"]
