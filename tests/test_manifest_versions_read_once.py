"""manifest.json's `versions` (siting/deliver/manifest.py `software_versions`) reads each
package's installed version once per process: a metadata lookup scans the import path's
distributions, some 6 ms for the packages listed at every manifest written."""

from __future__ import annotations

from importlib import metadata

import pytest

import siting
import siting.deliver.manifest as manifest
from siting.deliver.manifest import PACKAGES, software_versions


def test_each_package_is_looked_up_once_and_keeps_its_own_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two manifests' versions: each package other than siting (whose version is the imported
    module's own) looked up once, each under its own name, and the same versions both times; a
    package that is not installed says so."""
    looked_up: list[str] = []

    def version(package: str) -> str:
        looked_up.append(package)
        if package == "pandas":
            raise metadata.PackageNotFoundError(package)
        return f"{package}-1.0"

    monkeypatch.setattr(manifest.metadata, "version", version)
    manifest._version.cache_clear()
    try:
        first = software_versions("1.16.0")
        second = software_versions("1.16.0")
    finally:
        manifest._version.cache_clear()  # the real versions for the tests after this one
    assert sorted(looked_up) == sorted(p for p in PACKAGES if p != "siting")
    assert first == second
    assert first["siting"] == siting.__version__
    assert first["pandas"] == "not installed"
    assert first["numpy"] == "numpy-1.0" and first["pyomo"] == "pyomo-1.0"
    assert first["highs"] == "1.16.0"
