"""The fake Dask clients of the tests are stated once, in tests/conftest.py (`LostTaskClient`,
`WorkerCheckClient`), not again in each test file that uses one."""

from __future__ import annotations

import ast
from pathlib import Path

import tests.conftest as conftest

TESTS = Path(__file__).parent


def test_the_worker_check_tests_use_the_one_client_of_conftest() -> None:
    assert callable(conftest.WorkerCheckClient) and callable(conftest.connect_to_workers)
    for name in ("test_dask_workers_other_version.py", "test_dask_workers_without_package.py"):
        tree = ast.parse((TESTS / name).read_text(encoding="utf-8"))
        classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
        assert classes == [], name
