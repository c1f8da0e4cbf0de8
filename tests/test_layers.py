"""The apps' layers (docs/decisions/0002-layout.md) are held by import-linter's contract in
pyproject.toml, which `make test` runs. These tests show that the contract holds today and
that it would report an upward import, naming the line that made it."""

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["root_packages"]


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own lint-imports, on our own files)
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    """The project's Python packages and its pyproject.toml, in a throwaway folder."""
    for package in _packages():
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "templates", "static", "data"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_every_app_imports_only_from_the_layers_below_it(tmp_path):
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_is_reported_with_the_line_that_made_it(tmp_path):
    root = _copy(tmp_path)
    (root / "accounts" / "upward.py").write_text(
        '"""A throwaway module that reaches up."""\n\nfrom applications.models import Application\n'
    )
    result = _lint(root)
    assert result.returncode != 0
    assert "accounts is not allowed to import applications" in result.stdout
    assert "accounts.upward -> applications.models (l.3)" in result.stdout


def test_two_apps_of_one_side_by_side_layer_may_not_import_each_other(tmp_path):
    root = _copy(tmp_path)
    (root / "dashboards" / "sideways.py").write_text("import safeguarding.selectors\n")
    result = _lint(root)
    assert result.returncode != 0
    assert "dashboards.sideways -> safeguarding.selectors (l.1)" in result.stdout


def _imports_in_functions(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((node.lineno, node.module))
            elif isinstance(node, ast.Import):
                found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_no_function_imports_another_cap_app():
    """An import hidden in a function would dodge the layers: every import of another CAP
    app is at the top of its module, where import-linter sees it."""
    packages = set(_packages())
    hidden = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        for line, module in _imports_in_functions(path)
        if module.split(".")[0] in packages - {package}
    ]
    assert hidden == []
