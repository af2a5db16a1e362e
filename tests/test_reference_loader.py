"""Every shipped reference file has provenance, and nothing unlisted can be read."""

from __future__ import annotations

from importlib import resources

import pytest

from ictfootprint.errors import ReferenceDataError
from ictfootprint.reference.loader import manifest, read_text


def test_every_data_file_is_listed_with_its_source_and_licence() -> None:
    folder = resources.files("ictfootprint.reference").joinpath("data")
    shipped = {p.name for p in folder.iterdir() if p.name != "MANIFEST.toml"}
    assert shipped == set(manifest())
    for entry in manifest().values():
        assert entry.version and entry.source and entry.licence


def test_unlisted_file_is_refused() -> None:
    with pytest.raises(ReferenceDataError, match="not listed"):
        read_text("secret.csv")


def test_public_api_names_resolve() -> None:
    import ictfootprint

    assert set(ictfootprint.__all__) == {*ictfootprint._EXPORTS, "__version__"}
    for name in ictfootprint.__all__:
        assert getattr(ictfootprint, name) is not None
