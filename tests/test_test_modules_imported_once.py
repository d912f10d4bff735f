"""A test file that uses another test file's helpers imports it by the name pytest gives it,
`from test_x import ...`, never `from tests.test_x import ...`. With no tests/__init__.py, pytest
(its default "prepend" import mode) puts tests/ on sys.path and imports tests/test_x.py as the
module `test_x`; `tests.test_x` would be a second module of the same file, read, rewritten for
assertions, compiled and run again: about 1.5 s of CPU in all at each pytest-xdist worker's
collection, where each worker collects every test file. A script that a test runs in a process
of its own, with only the repository's root on its path, imports `tests.test_x` (that is a
string, not checked here). tests/conftest.py, imported as `tests.conftest` by many files, is one
file read twice per worker, and is left as it is."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def test_pytest_imports_a_test_file_by_its_own_name() -> None:
    assert __name__ == Path(__file__).stem


def test_no_test_file_imports_another_as_a_tests_submodule() -> None:
    found = []
    for path in sorted(TESTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            found += [f"{path.name}:{node.lineno}: {name}" for name in names if name.startswith("tests.test_")]
    assert found == []
