"""
Dependencies run one way (README "Architecture"): the frame (crm/) imports no app, and no two
apps import each other, directly or around a longer loop. An app that needs to reach one that
depends on it registers on a hook point (crm.hooks) instead. Read from the source with ast, so
an import inside a function counts as much as one at the top of a module.
"""

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """(module, line) of every absolute import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def python_files(folder: Path):
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def app_imports(apps_dir: Path) -> dict[str, dict[str, list[str]]]:
    """{app: {other app it imports: ["path:line", …]}}."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in python_files(apps_dir):
        app = path.relative_to(apps_dir).parts[0]
        for module, line in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "apps" and len(parts) > 1 and parts[1] != app:
                graph[app][parts[1]].append(f"{path.relative_to(apps_dir.parent)}:{line}")
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One import loop between apps as [a, b, …, a], or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" after
    path: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app], path[len(path) :] = "open", [app]
        for other in sorted(graph.get(app, {})):
            if state.get(other) == "open":
                return [*path[path.index(other) :], other]
            if other not in state and (cycle := visit(other)):
                return cycle
        state[app] = "done"
        path.pop()
        return None

    for app in sorted(graph):
        if app not in state and (cycle := visit(app)):
            return cycle
    return None


def test_the_frame_imports_no_app():
    offending = [
        f"{path.relative_to(BASE_DIR)}:{line} imports {module}"
        for path in python_files(BASE_DIR / "crm")
        for module, line in imported_modules(path)
        if module == "apps" or module.startswith("apps.")
    ]

    assert offending == [], "crm/ must not import apps.*; use a hook point (crm.hooks)"


def test_no_two_apps_import_each_other():
    graph = app_imports(BASE_DIR / "apps")

    cycle = find_cycle(graph)

    where = [graph[a][b][0] for a, b in pairwise(cycle)] if cycle else []
    assert cycle is None, f"import loop {' -> '.join(cycle)} (first imports: {where})"


def test_the_loop_finder_sees_a_loop_around_three_apps():
    """The check above would pass on anything if find_cycle never found one."""
    loop = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    line = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "d": {"a": ["w"]}}

    assert find_cycle(loop) == ["a", "b", "c", "a"]
    assert find_cycle(line) is None


def test_the_scan_reads_imports_inside_functions(tmp_path):
    apps_dir = tmp_path / "apps"
    (apps_dir / "one").mkdir(parents=True)
    (apps_dir / "two").mkdir()
    (apps_dir / "one" / "views.py").write_text("import apps.two.models\n")
    (apps_dir / "two" / "apps.py").write_text("def ready():\n    from apps.one import views\n")

    graph = app_imports(apps_dir)

    assert find_cycle(graph) == ["one", "two", "one"]
