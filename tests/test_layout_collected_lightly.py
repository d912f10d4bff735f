"""Collecting tests/test_layout.py parses no module of siting/ or models/: the parsing (some 2.5 s
of CPU) happens when a test there first asks for the trees, in the one pytest-xdist worker that
runs the file, not at collection, which every worker does for every test file."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest


def test_importing_the_layout_tests_parses_no_module(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    parse = ast.parse

    def counted(source: str | bytes, *args: object, **kwargs: object) -> ast.AST:
        parsed.append(str(source)[:40])
        return parse(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ast, "parse", counted)
    spec = importlib.util.spec_from_file_location("layout_collected_again",
                                                  Path(__file__).with_name("test_layout.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert parsed == []
    assert "siting.runs.job" in module.imports() and len(parsed) == len(module.MODULES)
