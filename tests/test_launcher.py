"""
`make run`'s launcher: it serves the app with a worker and beat, prints the demo logins once, a
process that dies is started again while the others keep serving, and Ctrl-C stops them all.
Real processes (a SQLite database of the test's own, the test's Redis), killed by their pid.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from apps.demo.logins import DEMO_PASSWORD, DEMO_USERS
from crm.launcher import Supervised
from tests.test_project import TEST_ONLY_VARIABLES

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_started_by(launcher_pid: int, marker: str) -> list[str]:
    """Command lines of the processes whose environment carries `marker` (the launcher's)."""
    return list(process_table(launcher_pid, marker).values())


def process_table(launcher_pid: int, marker: str) -> dict[int, str]:
    """{pid: command line} of the processes whose environment carries `marker`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == launcher_pid:
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker.encode() in environ:
            found[int(entry.name)] = cmdline
    return found


def worker_pid(launcher_pid: int, marker: str) -> int | None:
    """The Celery worker's main process: the one whose parent is the launcher."""
    for pid, cmdline in process_table(launcher_pid, marker).items():
        if "celery" in cmdline and " worker " in cmdline and parent_of(pid) == launcher_pid:
            return pid
    return None


def parent_of(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


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


def launch(tmp_path) -> tuple[subprocess.Popen, str, str]:
    """The launcher on a free port and a SQLite file of its own: (process, address, marker)."""
    bind = f"127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}", "CRM_BIND": bind})
    launcher = subprocess.Popen(
        [sys.executable, "-m", "crm.launcher"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return launcher, bind, f"CRM_BIND={bind}"


def stop(launcher: subprocess.Popen) -> str:
    """Ctrl-C; what the launcher printed."""
    launcher.send_signal(signal.SIGINT)
    output, _ = launcher.communicate(timeout=30)
    return output


def test_launcher_serves_the_login_page_and_ctrl_c_stops_everything(tmp_path):
    launcher, bind, marker = launch(tmp_path)
    try:
        assert wait_for(lambda: login_page_answers(f"http://{bind}/accounts/login/"), 120)
        started = " ".join(processes_started_by(launcher.pid, marker))
        assert "gunicorn" in started
        assert "worker" in started
        assert "beat" in started
        output = stop(launcher)
    finally:
        if launcher.poll() is None:
            launcher.kill()

    assert wait_for(lambda: not processes_started_by(launcher.pid, marker), 15)
    # The demo logins once, every demo user (all four account managers) with the password.
    assert output.count("Demo logins") == 1
    assert output.count(DEMO_PASSWORD) == 1
    assert all(f" {user.username} " in output for user in DEMO_USERS)


def test_a_killed_worker_is_started_again_and_the_site_keeps_serving(tmp_path):
    launcher, bind, marker = launch(tmp_path)
    login = f"http://{bind}/accounts/login/"
    try:
        assert wait_for(lambda: login_page_answers(login), 120)
        assert wait_for(lambda: worker_pid(launcher.pid, marker), 60)
        first = worker_pid(launcher.pid, marker)

        os.kill(first, signal.SIGKILL)  # the worker's own pid, nothing else

        assert wait_for(lambda: worker_pid(launcher.pid, marker) not in (None, first), 30)
        assert login_page_answers(login)
        started = " ".join(processes_started_by(launcher.pid, marker))
        assert "gunicorn" in started
        assert "beat" in started
        assert launcher.poll() is None
        output = stop(launcher)
    finally:
        if launcher.poll() is None:
            launcher.kill()

    assert f"Celery worker (pid {first}) stopped, killed by SIGKILL" in output
    assert wait_for(lambda: not processes_started_by(launcher.pid, marker), 15)


def test_a_process_that_keeps_dying_is_started_again_after_a_doubling_back_off(capsys):
    child = Supervised("platform printer", dict(os.environ), ["platform"])  # exits at once
    delays = []
    for _ in range(4):
        pid = child.process.pid
        child.process.wait(timeout=30)
        died = time.monotonic()
        child.check(died)
        delays.append(child.restart_at - died)
        child.check(child.restart_at - 0.1)
        assert child.process.pid == pid  # not before the back-off is over
        child.check(child.restart_at)
        assert child.process.pid != pid
    child.process.wait(timeout=30)

    assert delays == pytest.approx([1, 2, 4, 8])
    assert "platform printer" in capsys.readouterr().err
