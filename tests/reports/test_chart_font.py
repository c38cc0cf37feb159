"""
PNG charts show Chinese on a machine with no CJK font installed: the font a Python package
ships is registered at import (apps/reports/charts.py). Each check runs matplotlib in a fresh
process whose font cache was built without any system font, as on a new machine.
"""

import json
import subprocess
import sys
from pathlib import Path

from apps.reports import charts

ROOT = Path(charts.__file__).resolve().parents[2]

# matplotlib's font cache as a machine without system fonts has it (only its own DejaVu).
NO_SYSTEM_FONTS = """
from pathlib import Path
from unittest import mock
import matplotlib as mpl
import matplotlib.font_manager as fm
scan = fm.findSystemFonts
own_only = lambda fontpaths=None, fontext="ttf": scan(fontpaths, fontext) if fontpaths else []
with mock.patch.object(fm, "findSystemFonts", own_only):
    cache = Path(mpl.get_cachedir(), f"fontlist-v{fm.FontManager.__version__}.json")
    fm.json_dump(fm.FontManager(), cache)
"""

RENDER = """
import io, json, warnings
import matplotlib.font_manager as fm
assert not [f for f in fm.fontManager.ttflist if "WenQuanYi" in f.name], "a system font"
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    {render}
print(json.dumps([str(w.message) for w in caught if "missing from font" in str(w.message)]))
"""

CHART = (
    "from apps.reports import charts; "
    'charts.bar_chart(title="客户构成分析", labels=["战略合作伙伴"], values=[1], fmt="png")'
)
PLAIN = (
    "from matplotlib.figure import Figure; figure = Figure(); "
    'figure.text(0.5, 0.5, "客户构成分析"); figure.savefig(io.BytesIO(), format="png")'
)


def missing_glyphs(tmp_path, render: str) -> list[str]:
    env = {"MPLCONFIGDIR": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = {"env": env, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 120}
    for code in (NO_SYSTEM_FONTS, RENDER.format(render=render)):
        result = subprocess.run([sys.executable, "-c", code], **run, check=False)
        assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_png_chart_shows_chinese_with_only_the_shipped_font(tmp_path):
    assert missing_glyphs(tmp_path, CHART) == []


def test_on_such_a_machine_plain_matplotlib_shows_boxes(tmp_path):
    """The check above can fail: without the shipped font the same machine has no glyphs."""
    missing = missing_glyphs(tmp_path, PLAIN)
    assert any("CJK UNIFIED IDEOGRAPH" in message for message in missing)
