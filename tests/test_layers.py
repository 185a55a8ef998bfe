"""The house's layers, beyond import-linter's contracts (pyproject.toml): no import cycles anywhere in the app, and
models.py imports nothing of ours above it."""

import ast
import pathlib

import grimp

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("commands", "handlers", "services", "wechat")


def test_no_module_imports_itself_through_another():
    graph = grimp.build_graph(*PACKAGES)
    cycles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in graph.modules
            for imported in graph.find_modules_directly_imported_by(module)
            if graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert cycles == []


def test_models_import_nothing_of_ours():
    tree = ast.parse((ROOT / "models.py").read_text(encoding="utf-8"))
    ours = set(PACKAGES) | {"app", "scheduler", "database"}
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in getattr(node, "names", [])
        if not isinstance(node, ast.ImportFrom) or node.module
    }
    assert imported & ours == set()


def _app_modules():
    for path in sorted(ROOT.glob("**/*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "tests", "bench", "conformance", "migrations") or rel.name == "models.py":
            continue
        yield rel, path.read_text(encoding="utf-8")


def test_no_module_of_the_app_is_over_300_lines():
    """models.py (declarations only) and the frozen migrations (a schema stated as it was) aside."""
    long = [(str(rel), text.count("\n")) for rel, text in _app_modules() if text.count("\n") > 300]
    assert long == []


def test_no_view_is_over_20_lines(app):
    """A view parses, calls one verb or query and shapes its answer: anything longer is a rule in the wrong place."""
    import inspect

    long = []
    for endpoint, view in app.view_functions.items():
        view = inspect.unwrap(view)
        if not getattr(view, "__module__", "").startswith("handlers."):
            continue
        lines, _ = inspect.getsourcelines(view)
        body = [line for line in lines if not line.lstrip().startswith("@")]
        if len(body) > 20:
            long.append((endpoint, len(body)))
    assert long == []
