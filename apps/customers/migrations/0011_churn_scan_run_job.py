"""
The churn scan runs through the job table like every background job (apps.jobs): a run keeps
what the scan found and points at its job, which holds the status, the times, the error and who
asked. Each existing run gets its job here (the one that ran it, or one written from the run's
own columns); the next migration drops those columns (a separate transaction: PostgreSQL does
not alter a table with pending foreign key checks).
"""

import django.db.models.deletion
from django.db import migrations, models

KIND = "customers.churn_scan"
# run status -> job status; a run left "running" or "queued" before the upgrade is over.
STATUSES = {"succeeded": "done", "failed": "failed", "running": "failed", "queued": "failed"}
UNFINISHED = "The run did not finish before the upgrade."


def jobs_for_runs(apps, schema_editor):
    run_model = apps.get_model("customers", "ChurnScanRun")
    job_model = apps.get_model("jobs", "Job")
    for run in run_model.objects.filter(job__isnull=True).order_by("pk").iterator():
        job = job_model.objects.filter(kind=KIND, params__run=run.pk).order_by("created_at").first()
        if job is None:
            status = STATUSES.get(run.status, "failed")
            finished = run.finished_at or run.started_at or run.created_at
            job = job_model.objects.create(
                kind=KIND,
                params={"run": run.pk},
                status=status,
                created_by_id=run.requested_by_id,
                started_at=run.started_at,
                finished_at=finished,
                heartbeat_at=finished,
                attempts=1 if run.started_at else 0,
                error=run.error or (UNFINISHED if run.status in ("running", "queued") else ""),
                result={"run": run.pk, "warned": run.warned, "recovered": run.recovered},
                progress_done=1 if status == "done" else 0,
                progress_total=1 if status == "done" else None,
            )
            # created_at has a default of now(): the job is as old as its run.
            job_model.objects.filter(pk=job.pk).update(created_at=run.created_at)
        run.job = job
        run.save(update_fields=["job"])


def runs_from_jobs(apps, schema_editor):
    run_model = apps.get_model("customers", "ChurnScanRun")
    back = {"done": "succeeded", "failed": "failed", "running": "running", "queued": "queued"}
    for run in run_model.objects.exclude(job=None).select_related("job").iterator():
        job = run.job
        run.status = back[job.status]
        run.requested_by_id, run.error = job.created_by_id, job.error
        run.started_at, run.finished_at = job.started_at, job.finished_at
        run.save(update_fields=["status", "requested_by", "error", "started_at", "finished_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_scope_indexes"),
        ("jobs", "0002_requeue_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="churnscanrun",
            name="job",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="churn_scan_run",
                to="jobs.job",
                verbose_name="background job",
            ),
        ),
        migrations.RunPython(jobs_for_runs, runs_from_jobs),
    ]
