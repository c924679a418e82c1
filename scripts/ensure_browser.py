"""Make sure a Chromium for the browser tests exists; print which one is used.

Order: $CHROMIUM_PATH, a system Chromium on PATH (Debian's `chromium`, which `.ci/run`
installs), then Playwright's own download (`playwright install chromium`, which needs the
internet and works on an ordinary developer machine).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Headless flags that work as root and keep Chromium off the network (without the
#: background-networking ones it floods a closed network with requests).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def find_chromium() -> str | None:
    """The path of a usable Chromium, or None."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
        return path if path and os.path.exists(path) else None
    except Exception:
        return None


def main() -> int:
    path = find_chromium()
    if path is None:
        print("No Chromium found; downloading Playwright's (needs the internet)...")
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
        path = find_chromium()
    if path is None:
        print(
            "No Chromium for the browser tests. Install one (Debian/Ubuntu: "
            "`sudo apt-get install chromium`) or set CHROMIUM_PATH.",
            file=sys.stderr,
        )
        return 1
    print(f"Browser tests use {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
