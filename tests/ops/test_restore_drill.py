"""The backup drill: back up a seeded database, restore it into a new one, prove it equal."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from tests.test_project import TEST_ONLY_VARIABLES

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
RESTORED = "crm_restore_drill"


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """(row count, checksum of every row's text) of every table of the database."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        result = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
                "FROM {} t"
            ).format(sql.Identifier(table))
            result[table] = conn.execute(query).fetchone()
    return result


def run(*command, database_url):
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update({"DATABASE_URL": database_url, "DEBUG": "true"})
    result = subprocess.run(
        [sys.executable, *command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def restored_url():
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {RESTORED}")
    yield f"{SERVER}/{RESTORED}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")


def test_backup_restores_into_an_identical_working_database(tmp_path, restored_url):
    call_command("seed_demo", customers=40)
    source_url = f"{SERVER}/{connection.settings_dict['NAME']}"
    dump = tmp_path / "crm.dump"

    run("-m", "crm.backup", "backup", str(dump), database_url=source_url)
    run("-m", "crm.backup", "restore", str(dump), database_url=restored_url)

    assert fingerprint(restored_url) == fingerprint(source_url)
    run("manage.py", "migrate", "--check", database_url=restored_url)
    status = run(
        "manage.py",
        "shell",
        "-c",
        (
            "from django.test import Client; from apps.rbac.models import User; "
            "c = Client(); c.force_login(User.objects.get(username='am1')); "
            "print(c.get('/customers/', HTTP_HOST='127.0.0.1').status_code)"
        ),
        database_url=restored_url,
    )
    assert status.strip().endswith("200")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    source_url = f"{SERVER}/{connection.settings_dict['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env["DATABASE_URL"] = source_url

    result = subprocess.run(
        [sys.executable, "-m", "crm.backup", "restore", "x.dump"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "empty" in result.stderr
