"""
Import benchmark (issue 7): a generated customer file of 100,000 rows with 1 % bad rows.

    python -m bench.imports [--rows 100000] [--bad-every 100] [--format csv|xlsx]
                            [--tracemalloc] [--database-url postgres://…/crm_bench_imports]

Times each step as the worker runs it (the job functions called in this process, the broker
left out): the upload's checks, the dry run, the import (valid rows only, the user's choice
when 1 % are bad), the dry run of the same file again (every row found and unchanged), and
the undo. Memory: the process's peak resident size (resource.getrusage) after each step and,
with --tracemalloc, the peak of Python's allocations during each step (slower: the times then
are not the ones to quote). Targets: dry run and import each under 60 s, memory under 1 GB.
Writes bench/results_imports.json.

It runs on a small database of its own (crm_bench_imports, or BENCH_IMPORTS_DATABASE_URL),
never on bench.generate's large one: the import must start from an empty CRM, so that database
is emptied first (it refuses one that holds the generated data set). It leaves there only the
benchmark's users, batches and jobs: the undo removes the imported customers, which the script
checks. The uploaded files and error workbooks go to a temporary MEDIA_ROOT, deleted at the end.
"""

import argparse
import csv
import json
import os
import platform
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.generate import configure

RESULTS = Path(__file__).resolve().parent / "results_imports.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench_imports"
TARGET_SECONDS, TARGET_BYTES = 60.0, 1024**3
COLUMNS = [
    "number",
    "name",
    "region",
    "manager",
    "level",
    "satisfaction",
    "credit",
    "address",
    "zip",
    "tel",
    "fax",
    "website",
    "chieftain",
    "bank",
    "bank_account",
    "bankroll",
]
REGIONS = ["北京", "上海", "华北", "东北", "华东", "华南", "中南", "西部"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad-every", type=int, default=100, help="one bad row in N (1 %%)")
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_IMPORTS_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args(argv)


def rows(count: int, bad_every: int, managers: list[str]):
    """Customer rows; every `bad_every`-th has a region, a level or a name that is refused."""
    for i in range(1, count + 1):
        row = [
            f"KH20250101{i:06d}",
            f"基准客户{i}有限公司",
            REGIONS[i % len(REGIONS)],
            managers[i % len(managers)],
            str(1 + i % 5),
            str(1 + i % 5),
            "3",
            f"北京市海淀区中关村大街{i}号",
            "100080",
            f"010-{i:08d}",
            "010-88886666",
            f"www.c{i}.cn",
            "张三",
            "中国工商银行",
            f"6222{i:012d}",
            str(i % 1000),
        ]
        if i % bad_every == 0:
            kind = (i // bad_every) % 3
            if kind == 0:
                row[2] = "火星"
            elif kind == 1:
                row[4] = "9"
            else:
                row[1] = ""
        yield row


def headers() -> list[str]:
    """The columns in Chinese, as a user's file has them."""
    from django.utils import translation

    from apps.imports.catalog import KINDS

    with translation.override("zh-hans"):
        labels = {key: str(f.label) for key, f in KINDS["customers"].resource.columns().items()}
    return [labels[key] for key in COLUMNS]


def write_file(path: Path, fmt: str, data) -> None:
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(headers())
            writer.writerows(data)
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers())
    for row in data:
        sheet.append(row)
    workbook.save(path)


def prepare(managers: int) -> tuple:
    """An empty CRM with the reference data, a sales manager and the account managers."""
    from django.core.management import call_command
    from django.db import connection

    from apps.demo.reference import reference_data_load
    from apps.jobs import services as job_services
    from apps.rbac.models import Role, User

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
        if cursor.fetchone()[0]:
            raise SystemExit(
                f"{connection.settings_dict['NAME']} holds bench.generate's data set; this "
                "benchmark empties its database: give it one of its own (--database-url)"
            )
    call_command("flush", interactive=False, verbosity=0)  # post_migrate: roles come back
    reference_data_load()
    # The jobs are run by this process, step by step: nothing is handed to a broker.
    job_services.job_publish = lambda job_id: False
    user = User.objects.create_user("bench_sm", role=Role.objects.get(code="sales_manager"))
    role = Role.objects.get(code="account_manager")
    names = [f"bench_am{i}" for i in range(managers)]
    User.objects.bulk_create([User(username=name, role=role) for name in names])
    return user, names


def measure(label: str, step, use_tracemalloc: bool) -> dict:
    if use_tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    figures = {
        "step": label,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if use_tracemalloc:
        figures["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1024**2, 1)
        tracemalloc.stop()
    if result:
        figures.update(result)
    print(
        f"{label:<34} {figures['seconds']:>8.2f} s   peak RSS {figures['peak_rss_mb']:>7.1f} MB"
        + (f"   python peak {figures['python_peak_mb']:>7.1f} MB" if use_tracemalloc else "")
        + f"   {result or ''}"
    )
    return figures


def run_job(batch) -> dict:
    from apps.jobs.services import job_run

    batch.refresh_from_db()
    job = job_run(job_id=batch.job_id)
    assert job.status == job.Status.DONE, job.error
    return job.result


def counts(batch) -> dict:
    batch.refresh_from_db()
    return {
        "status": batch.status,
        "new": batch.rows_new,
        "updated": batch.rows_updated,
        "unchanged": batch.rows_unchanged,
        "invalid": batch.rows_invalid,
    }


def upload(user, path: Path, fmt: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.imports.services import import_batch_create

    content = path.read_bytes()
    return import_batch_create(
        actor=user,
        kind="customers",
        language="zh-hans",
        upload=SimpleUploadedFile(f"customers.{fmt}", content),
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as media:
        os.environ["MEDIA_ROOT"] = media  # the uploads and error workbooks: removed at the end
        run(args)


def run(args) -> None:
    configure(args.database_url)
    from apps.customers.models import Customer
    from apps.imports import services
    from apps.jobs.models import Job

    user, managers = prepare(args.managers)
    steps, state = [], {}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"customers.{args.format}"
        write_file(path, args.format, rows(args.rows, args.bad_every, managers))
        size = path.stat().st_size
        print(
            f"{args.rows} rows, one bad in {args.bad_every}, {args.format}, {size / 1024**2:.1f} MB"
        )

        def check(key):
            def step():
                state[key] = upload(user, path, args.format)
                run_job(state[key])
                return counts(state[key])

            return step

        def apply():
            services.import_batch_apply_request(
                actor=user, batch_id=state["first"].pk, skip_invalid=True
            )
            run_job(state["first"])
            return counts(state["first"])

        def undo():
            services.import_batch_undo_request(actor=user, batch_id=state["first"].pk)
            return run_job(state["first"])

        for label, step in [
            ("upload checks + dry run", check("first")),
            ("import (valid rows)", apply),
            ("dry run again (all unchanged)", check("again")),
            ("undo", undo),
        ]:
            steps.append(measure(label, step, args.tracemalloc))
    jobs = [
        [job.kind, round((job.finished_at - job.started_at).total_seconds(), 2)]
        for job in Job.objects.filter(created_by=user).order_by("created_at")
    ]
    verdict = {
        "dry_run_under_60s": steps[0]["seconds"] < TARGET_SECONDS,
        "import_under_60s": steps[1]["seconds"] < TARGET_SECONDS,
        "memory_under_1gb": max(s["peak_rss_mb"] for s in steps) * 1024**2 < TARGET_BYTES,
    }
    left = Customer.objects.count()
    if left:
        raise SystemExit(f"the undo left {left} imported customers in {args.database_url}")
    print(f"the jobs alone (their own time stamps): {jobs}")
    print(verdict)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "rows": args.rows,
                "bad_every": args.bad_every,
                "format": args.format,
                "file_mb": round(size / 1024**2, 2),
                "tracemalloc": args.tracemalloc,
                "steps": steps,
                "jobs_seconds": jobs,
                "targets": verdict,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
