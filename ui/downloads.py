"""Downloads that leave nothing behind: a file generated on click and forgotten by the server shortly after.

Streamlit serves a deferred download from `/media/…` and keeps it until its cleanup runs, which only happens
after script runs: a backup stayed downloadable by URL long after its admin had left (issue 20). Here the
server's media store drops unreferenced downloads `MAILLAGE_DOWNLOAD_SECONDS` (default 60) after generation.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

DEFAULT_SECONDS = 60.0


def _lifetime() -> float:
    """Seconds a generated download stays retrievable (time for the browser to fetch it)."""
    try:
        return max(float(os.environ.get("MAILLAGE_DOWNLOAD_SECONDS", DEFAULT_SECONDS)), 1.0)
    except ValueError:
        return DEFAULT_SECONDS


def forget_downloads() -> None:
    """Drop every generated download no open page references (Streamlit's own cleanup, run twice: the
    first pass marks a download, the second deletes it)."""
    try:
        from streamlit import runtime

        if not runtime.exists():
            return
        manager = runtime.get_instance().media_file_mgr
        manager.remove_orphaned_files()
        manager.remove_orphaned_files()
    except Exception:  # noqa: BLE001 - cleanup must never break a page
        pass


def ephemeral(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """`make`, for `st.download_button(data=…)`: the file is generated on click, then forgotten shortly after."""
    def generate() -> bytes:
        """Generate the file and schedule its removal from the server."""
        data = make()
        timer = threading.Timer(_lifetime(), forget_downloads)
        timer.daemon = True
        timer.start()
        return data
    return generate
