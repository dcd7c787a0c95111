"""The brand images Home Assistant (2026.3 and later) and HACS read from the integration."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
BRAND = ROOT / "custom_components" / "lwm2m" / "brand"
SIZES = {
    "icon.png": (256, 256),
    "icon@2x.png": (512, 512),
    "logo.png": (476, 128),
    "logo@2x.png": (952, 256),
    "dark_logo.png": (476, 128),
    "dark_logo@2x.png": (952, 256),
}


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.parametrize(("name", "size"), SIZES.items())
def test_brand_image_has_the_size_home_assistant_expects(name: str, size: tuple[int, int]) -> None:
    assert png_size(BRAND / name) == size
    with Image.open(BRAND / name) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0  # transparent around the shape


def test_icons_and_logos_are_the_only_files() -> None:
    assert sorted(path.name for path in BRAND.iterdir()) == sorted(SIZES)


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert (librsvg2-bin)")
def test_images_are_rendered_from_the_committed_svgs(tmp_path: Path) -> None:
    subprocess.run([ROOT / "script" / "render_brand", tmp_path], check=True, capture_output=True)
    for name in SIZES:
        with Image.open(BRAND / name) as committed, Image.open(tmp_path / name) as rendered:
            difference = ImageChops.difference(committed, rendered)
            assert max(high for _, high in difference.getextrema()) <= 8, name
