"""`make run`'s launcher: it serves the app with a worker and beat, and Ctrl-C stops them all."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.test_project import TEST_ONLY_VARIABLES

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_started_by(launcher_pid: int, marker: str) -> list[str]:
    """Command lines of the processes whose environment carries `marker` (the launcher's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == launcher_pid:
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker.encode() in environ:
            found.append(cmdline)
    return found


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def login_page_answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200  # noqa: S310 -- loopback
    except OSError:
        return False


def test_launcher_serves_the_login_page_and_ctrl_c_stops_everything(tmp_path):
    bind = f"127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}", "CRM_BIND": bind})
    marker = f"CRM_BIND={bind}"
    launcher = subprocess.Popen(
        [sys.executable, "-m", "crm.launcher"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(lambda: login_page_answers(f"http://{bind}/accounts/login/"), 120)
        started = " ".join(processes_started_by(launcher.pid, marker))
        assert "gunicorn" in started
        assert "worker" in started
        assert "beat" in started

        launcher.send_signal(signal.SIGINT)
        output, _ = launcher.communicate(timeout=30)
    finally:
        if launcher.poll() is None:
            launcher.kill()

    assert "crm-demo-2026" in output
    assert wait_for(lambda: not processes_started_by(launcher.pid, marker), 15)
