"""The project as a whole: deploy checks, migrations, the compose file, the SQLite fallback."""

import ipaddress
import os
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from crm.launcher import WEB_COMMAND

BASE_DIR = Path(__file__).resolve().parent.parent


# Set by crm.settings_test for this process; a child process must start from the real defaults.
TEST_ONLY_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "SECURE_HTTPS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(*args, env_overrides, timeout=300):
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_deploy_check_passes_with_production_environment():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "crm.example.com",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", env_overrides={"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_compose_file_runs_the_web_command_of_make_run():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())

    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])
    assert all("healthcheck" in compose["services"][s] for s in ("postgres", "redis", "web"))
    assert "pgdata" in compose["volumes"]
    assert "python -m " + " ".join(WEB_COMMAND) in compose["services"]["web"]["command"]


def test_compose_file_scales_web_and_workers_per_queue(settings):
    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]

    assert "ports" not in services["web"]  # replicas sit behind the load balancer
    assert services["lb"]["ports"] == ["8000:80"]
    assert "migrate" not in services["web"]["command"]  # migrated once, by the migrate service
    consumed = {
        name: services[name]["command"][services[name]["command"].index("-Q") + 1]
        for name in ("worker", "worker-nightly")
    }
    assert consumed == {"worker": "celery", "worker-nightly": "nightly"}
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == set(consumed.values())


def test_compose_web_believes_x_forwarded_for_from_lb_only_and_lb_appends_the_client():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    lb = compose["services"]["lb"]["networks"]["default"]["ipv4_address"]
    subnet = compose["networks"]["default"]["ipam"]["config"][0]
    nginx = (BASE_DIR / "deploy" / "nginx.conf").read_text()

    assert compose["services"]["web"]["environment"]["TRUSTED_PROXIES"] == lb
    assert ipaddress.ip_address(lb) in ipaddress.ip_network(subnet["subnet"])
    assert ipaddress.ip_address(lb) not in ipaddress.ip_network(subnet["ip_range"])
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx


def test_nightly_jobs_go_to_the_nightly_queue_and_user_jobs_to_the_interactive_one():
    from apps.jobs import registry
    from crm.celery import app

    def queue_of(task_name):
        return app.amqp.router.route({}, task_name)["queue"].name

    assert registry.queue_of("customers.churn_scan") == "nightly"
    assert registry.queue_of("reports.refresh") == "nightly"
    assert registry.queue_of("reports.compute") == "celery"
    assert registry.queue_of("imports.list_export") == "celery"
    assert queue_of("apps.jobs.tasks.run_job_task") == "celery"  # unless the kind says nightly
    assert queue_of("apps.jobs.tasks.job_schedule_task") == "celery"
    assert queue_of("apps.jobs.tasks.jobs_requeue_task") == "celery"


def test_no_template_loads_assets_from_the_internet():
    for template in (BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        assert "http://" not in text, template
        assert "https://" not in text, template


def test_embedded_sqlite_fallback_migrates_seeds_and_serves_the_login_page(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}",
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }

    for args in (["migrate", "--no-input"], ["seed_demo", "--customers", "20"]):
        result = run_manage(*args, env_overrides=env)
        assert result.returncode == 0, result.stdout + result.stderr
    served = run_manage(
        "shell",
        "-c",
        (
            "from django.test import Client; "
            "print(Client().get('/accounts/login/', HTTP_HOST='127.0.0.1').status_code)"
        ),
        env_overrides=env,
    )

    assert served.stdout.strip().endswith("200"), served.stdout + served.stderr


def test_server_timing_reports_time_and_queries(client, settings):
    settings.CRM_SERVER_TIMING = True

    header = client.get("/accounts/login/")["Server-Timing"]

    assert header.startswith("app;dur=")
    assert "queries" in header


def test_the_package_metadata_uses_the_forms_setuptools_accepts_without_a_warning():
    # A TOML table as project.license makes setuptools (>= 77) warn on every install, and
    # `pip install -e` of a project without packages adds an empty import hook and a warning.
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    makefile = (BASE_DIR / "Makefile").read_text()
    assert project["project"]["license"] == "MIT"
    assert project["build-system"]["requires"] == ["setuptools>=77"]
    assert project["tool"]["setuptools"]["packages"] == []
    assert "install -q -c constraints.txt . " in makefile
    assert " -e " not in makefile
