"""The wheel carries the licence: Apache-2.0 in its metadata and the LICENSE text in dist-info."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_metadata_names_the_licence_and_ships_its_text() -> None:
    meta = metadata.metadata("smedx")
    assert meta["License-Expression"] == "Apache-2.0"
    files = metadata.files("smedx") or []
    shipped = [f for f in files if f.name == "LICENSE"]
    assert shipped, "no LICENSE in the installed distribution"
    assert Path(shipped[0].locate()).read_bytes() == (ROOT / "LICENSE").read_bytes()
