"""
Every user-facing string is in the zh-hans catalog: each literal given to gettext and its
siblings in apps/ and crm/, and each {% translate %} and {% blocktranslate %} of the templates,
has a Chinese translation (Django's own catalogs count). A string added without one fails here.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
GETTEXT = {"_", "gettext", "gettext_lazy", "_lazy", "ngettext", "ngettext_lazy"}
PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
TRANSLATE = re.compile(r"""{%\s*(?:translate|trans)\s+"([^"]+)"(?:\s+context\s+"([^"]+)")?""")
BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b([^%]*)%}(.*?)(?:{%\s*plural\s*%}.*?)?{%\s*endblocktrans(?:late)?\s*%}",
    re.DOTALL,
)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def _constant(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_messages():
    for path in [*ROOT.glob("apps/**/*.py"), *ROOT.glob("crm/**/*.py")]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name, args = node.func.id, node.args
            if name in GETTEXT and args and (msgid := _constant(args[0])):
                yield path, "", msgid
            elif name in PGETTEXT and len(args) > 1 and (msgid := _constant(args[1])):
                yield path, _constant(args[0]) or "", msgid


def template_messages():
    for path in ROOT.glob("templates/**/*.html"):
        text = path.read_text()
        for msgid, context in TRANSLATE.findall(text):
            yield path, context, msgid
        for options, body in BLOCK.findall(text):
            if "trimmed" in options:
                body = " ".join(line.strip() for line in body.splitlines() if line.strip())
            body = body.replace("%", "%%")  # as makemessages writes a literal % in a msgid
            context = re.search(r'context\s+"([^"]+)"', options)
            yield path, context.group(1) if context else "", VARIABLE.sub(r"%(\1)s", body)


def untranslated(messages) -> list[str]:
    with translation.override("zh-hans"):
        catalog = translation.trans_real.translation("zh-hans")
        missing = []
        for path, context, msgid in messages:
            key = f"{context}\x04{msgid}" if context else msgid
            found = catalog._catalog.get(key) or catalog._catalog.get((key, 0))
            if not found:
                missing.append(
                    f"{path.relative_to(ROOT)}: {context + ' | ' if context else ''}{msgid}"
                )
        return sorted(set(missing))


@pytest.mark.parametrize("source", [python_messages, template_messages])
def test_every_user_facing_string_has_a_chinese_translation(source):
    missing = untranslated(source())
    assert not missing, "not in crm/locale/zh_Hans (make makemessages):\n" + "\n".join(missing)
