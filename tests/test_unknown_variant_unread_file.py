"""A `--variant` no scenario file defines is named even when another file of the comparison
cannot be read (here, it does not exist), beside that file's problem and a refused output
folder, in one message (exit 2, nothing written): `siting compare` and `siting.compare`. The
message says which files could not be read, whose variants are not known. Solves nothing. The
small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError

MISSING = "missing.yaml: no such scenario file; check its path (a relative path starts at the current folder)"
VARIANT = ("{name} zz | no scenario file of the comparison that could be read defines a variant named 'zz' "
           "(defined: none; missing.yaml could not be read, so its variants are not known); none of those read has "
           "variants: drop {name}, or mend missing.yaml if 'zz' is one of its variants")
OUT = ("{name} | the output folder is a folder without a .siting-run marker, holding files siting did not write: "
       "mine.txt (got notes); choose another folder, or empty this one: a run replaces only an empty folder or one "
       "it wrote")


def test_compare_names_an_unknown_variant_beside_a_missing_file_and_a_refused_folder(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    (folder / "notes").mkdir()
    (folder / "notes" / "mine.txt").write_text("keep me")
    code = main(["compare", "scenario.yaml", "missing.yaml", "--variant", "zz", "--out", "notes", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert err.splitlines() == ["error: 3 problems in the input and with the output folder:", f"  - {MISSING}",
                                f"  - {VARIANT.format(name='--variant')}", f"  - {OUT.format(name='--out')}"]
    assert sorted(p.name for p in (folder / "notes").iterdir()) == ["mine.txt"]
    with pytest.raises(InputError) as caught:
        siting.compare(["scenario.yaml", "missing.yaml"], "notes", variants=["zz"])
    assert list(caught.value.problems) == [MISSING, VARIANT.format(name="variants"), OUT.format(name="out")]
    assert sorted(p.name for p in (folder / "notes").iterdir()) == ["mine.txt"]
