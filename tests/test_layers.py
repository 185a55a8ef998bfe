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
