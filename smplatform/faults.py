"""Fault injection points for the reliability tests (tests/reliability/).

`pause("submit.before_commit")` sleeps for the seconds configured in FAULT_PAUSES under that
name, so that a test can kill the process at that exact moment. It does nothing unless
FAULT_INJECTION is true; no configuration class or environment variable turns it on (only the
test server's create_app overrides do), so production code paths never pause.
"""
from __future__ import annotations

import os
import sys
import time

from flask import current_app, has_app_context


def pause(point: str) -> None:
    if not has_app_context() or not current_app.config.get("FAULT_INJECTION"):
        return
    seconds = (current_app.config.get("FAULT_PAUSES") or {}).get(point)
    if seconds:
        # The test watches the server's log for this line to know when to strike.
        print(f"FAULT PAUSE {point} pid={os.getpid()}", file=sys.stderr, flush=True)
        time.sleep(float(seconds))
