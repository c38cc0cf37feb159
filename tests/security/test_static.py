"""Static checks of the code base: what must never be written, found before it ships."""

import ast
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Markup that comes from our own code, never from users: Django's password rules.
SAFE_ALLOWED = {"templates/partials/form_fields.html": "field.help_text|safe"}


def python_files(*roots):
    for root in roots:
        yield from (p for p in (BASE_DIR / root).rglob("*.py") if "migrations" not in p.parts)


def test_bandit_finds_no_medium_or_high_issue():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "apps", "crm", "-ll", "-q"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_model_forms_list_their_fields_explicitly():
    offenders = []
    for path in python_files("apps", "crm"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name == "Meta":
                for statement in node.body:
                    targets = [
                        t.id for t in getattr(statement, "targets", []) if isinstance(t, ast.Name)
                    ]
                    value = getattr(statement, "value", None)
                    if "exclude" in targets or (
                        "fields" in targets
                        and isinstance(value, ast.Constant)
                        and value.value == "__all__"
                    ):
                        offenders.append(f"{path.relative_to(BASE_DIR)}:{statement.lineno}")
    assert not offenders, offenders


def test_no_template_or_code_bypasses_autoescaping():
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        relative = str(template.relative_to(BASE_DIR))
        for match in re.finditer(r"\|\s*safe\b|autoescape\s+off", template.read_text()):
            line = template.read_text()[max(0, match.start() - 40) : match.end()]
            if SAFE_ALLOWED.get(relative, "\0") not in line:
                offenders.append(relative)
    for path in python_files("apps", "crm"):
        if "mark_safe(" in path.read_text():
            offenders.append(str(path.relative_to(BASE_DIR)))
    assert not offenders, offenders
