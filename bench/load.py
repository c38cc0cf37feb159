"""
The load run: N concurrent users (wrk, one connection each) on a mixed workload of lists,
filters, details, reports and searches across the four roles, for a bounded time; reports
throughput, p50/p95/p99 and errors overall and per page, and the gunicorn processes' resident
memory at the start, during and at the end.
"""

import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

LUA = Path(__file__).resolve().parent / "load.lua"
WRK_MISSING = (
    "wrk is not installed: the load run needs it (Debian/Ubuntu: sudo apt-get install -y wrk; "
    "macOS: brew install wrk). Skipping the load run."
)


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))  # ceil
    return ordered[min(rank, len(ordered)) - 1]


def write_workload(path: Path, items: list[tuple[str, str, str]], seed: int = 2026) -> None:
    """Lines of (label, path, session key), shuffled so that users mix roles and pages."""
    lines = [f"{label}\t{url}\t{session}" for label, url, session in items]
    random.Random(seed).shuffle(lines)
    path.write_text("\n".join(lines) + "\n")


def parse_log(text: str) -> tuple[list[tuple[str, int, float]], dict]:
    """The wrk script's log: (label, status, ms) rows and wrk's own summary."""
    rows, summary = [], {}
    for line in text.splitlines():
        parts = line.split("\t")
        if parts[0] == "#summary":
            keys = ["duration_us", "requests", "connect", "read", "write", "status", "timeout"]
            summary = dict(zip(keys, map(int, parts[1:]), strict=True))
        elif len(parts) == 3:
            rows.append((parts[0], int(parts[1]), int(parts[2]) / 1000))
    return rows, summary


def summarise(rows, summary: dict, memory: list[dict]) -> dict:
    """Overall and per-page figures of a load run; errors are non-200 answers + socket errors."""
    seconds = summary.get("duration_us", 0) / 1e6 or 1
    socket_errors = sum(summary.get(k, 0) for k in ("connect", "read", "write", "timeout"))
    all_ms = [ms for _label, _status, ms in rows]
    per_page = {}
    for label in sorted({label for label, _s, _ms in rows}):
        times = [ms for lab, _s, ms in rows if lab == label]
        per_page[label] = {
            "requests": len(times),
            "errors": sum(1 for lab, s, _ms in rows if lab == label and s != 200),
            "p50_ms": _round(percentile(times, 0.50)),
            "p95_ms": _round(percentile(times, 0.95)),
            "max_ms": _round(max(times)),
        }
    errors = sum(1 for _l, s, _ms in rows if s != 200) + socket_errors
    p95 = percentile(all_ms, 0.95)
    growth = memory_growth(memory)
    return {
        "seconds": round(seconds, 1),
        "requests": len(rows),
        "throughput_rps": round(len(rows) / seconds, 1),
        "p50_ms": _round(percentile(all_ms, 0.50)),
        "p95_ms": _round(p95),
        "p99_ms": _round(percentile(all_ms, 0.99)),
        "errors": errors,
        "socket_errors": socket_errors,
        "pages": per_page,
        "memory_mb": memory,
        "memory_growth_mb": growth,
        "targets": {
            "no errors": errors == 0,
            "p95 under 300 ms": p95 is not None and p95 < 300,
            # flat: no worker grows by more than 20 % between the first and last samples
            "memory flat": growth is not None and growth["worst_fraction"] <= 0.20,
        },
    }


def memory_growth(memory: list[dict]) -> dict | None:
    if len(memory) < 2:
        return None
    first, last = memory[0]["rss_mb"], memory[-1]["rss_mb"]
    common = [pid for pid in first if pid in last]
    if not common:
        return None
    worst = max(common, key=lambda pid: last[pid] - first[pid])
    return {
        "total_start": round(sum(first.values()), 1),
        "total_end": round(sum(last.values()), 1),
        "worst_process": worst,
        "worst_fraction": round((last[worst] - first[worst]) / first[worst], 3),
    }


def _round(value):
    return None if value is None else round(value, 1)


def run(
    server, items, *, users: int, seconds: int, think_ms=(0, 0), sample_every: float = 10
) -> dict:
    """
    Run wrk against `server` (bench.server.Gunicorn) with the workload `items`; each user waits
    a random `think_ms` (min, max) between a response and its next request ((0, 0): none).
    The server's keep-alive must outlast the longest wait, or wrk counts the closed
    connections as errors.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        print(WRK_MISSING)
        return {"skipped": WRK_MISSING}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workload, out = Path(tmp) / "workload.tsv", Path(tmp) / "log.tsv"
        write_workload(workload, items)
        env = {
            **os.environ,
            "BENCH_WORKLOAD": str(workload),
            "BENCH_LOAD_OUT": str(out),
            "BENCH_THINK_MIN_MS": str(think_ms[0]),
            "BENCH_THINK_MAX_MS": str(think_ms[1]),
        }
        memory = [{"t": 0.0, "rss_mb": server.rss_mb()}]
        stop = threading.Event()
        start = time.monotonic()

        def sample():
            while not stop.wait(sample_every):
                memory.append({"t": round(time.monotonic() - start, 1), "rss_mb": server.rss_mb()})

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        command = [
            wrk,
            "-t",
            str(users),
            "-c",
            str(users),
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{server.port}",
        ]
        try:
            subprocess.run(command, env=env, check=True, capture_output=True, timeout=seconds + 120)
        finally:
            stop.set()
            sampler.join(timeout=5)
        memory.append({"t": round(time.monotonic() - start, 1), "rss_mb": server.rss_mb()})
        rows, summary = parse_log(out.read_text())
    result = summarise(rows, summary, memory)
    result["users"] = users
    result["think_ms"] = list(think_ms)
    result["workload"] = sorted({label for label, _u, _s in items})
    return result


def print_load(result: dict) -> None:
    if "skipped" in result:
        return
    think = result.get("think_ms") or [0, 0]
    pause = f"{think[0] / 1000:g}–{think[1] / 1000:g} s think time" if think[1] else "no think time"
    print(
        f"\nLoad run: {result['users']} users ({pause}), {result['seconds']} s, "
        f"{result['requests']} requests, {result['throughput_rps']} req/s; "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms; "
        f"errors {result['errors']}"
    )
    print(f"{'page':<48} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, row in result["pages"].items():
        print(
            f"{label[:48]:<48} {row['requests']:>8} {row['errors']:>6} {row['p50_ms']:>8} "
            f"{row['p95_ms']:>8} {row['max_ms']:>8}"
        )
    growth = result["memory_growth_mb"]
    if growth:
        print(
            f"gunicorn RSS: {growth['total_start']} MB at the start, {growth['total_end']} MB "
            f"at the end (worst process +{growth['worst_fraction']:.0%})"
        )
    for sample in result["memory_mb"]:
        print(
            f"  t={sample['t']:>6}s  "
            + "  ".join(f"{pid}:{mb}" for pid, mb in sample["rss_mb"].items())
        )
    print(
        "targets: "
        + ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in result["targets"].items())
    )
