"""A `solver.options` entry refused for its name (an option a named setting sets, one refused with
its own reason, one a scenario may not set) says the value it was given, as every other refusal's
"(got ...)" does: `--set solver.options.threads=abc` said "(got 'threads')", the name its key
already gives. An unknown name is still named itself, being what is wrong. Solves nothing. The
small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


@pytest.mark.parametrize(("setting", "said"), [
    ("solver.options.threads=abc", "solver.options.threads | is set by solver.threads (got 'abc'); use solver.threads "
     "instead"),
    ("solver.options.time_limit=5", "solver.options.time_limit | is set by solver.time_limit_s (got 5); use "
     "solver.time_limit_s instead"),
    ("solver.options.mip_abs_gap=5000", "solver.options.mip_abs_gap | an absolute gap is set by "
     "solver.abs_gap_bn_yuan, in bn yuan (HiGHS's option counts in the model's million yuan) (got 5000); set "
     "solver.abs_gap_bn_yuan instead, e.g. 0.5 for 0.5 bn yuan"),
    ("solver.options.log_file=x.log", "solver.options.log_file | a HiGHS option a scenario may not set (got 'x.log'); "
     "options a scenario may set: "),
    ("solver.options.thredas=4", "solver.options.thredas | unknown HiGHS option (got 'thredas'); "),
])
def test_an_option_refused_for_its_name_says_the_value_given(folder: Path, capsys, monkeypatch, setting, said):
    monkeypatch.chdir(folder)
    assert main(["check", "scenario.yaml", "--set", setting]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(lines) == 1
    assert lines[0].startswith(f"  - scenario.yaml: --set {said}")
