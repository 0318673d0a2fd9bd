"""Charts with Chinese labels: matplotlib's default font (DejaVu Sans) has no Chinese glyphs,
so 数字化基础 draws as boxes unless a CJK font is chosen first.

>>> import smedx.plotting
>>> smedx.plotting.use_cjk_font()      # before drawing; returns the family it chose
'Noto Sans CJK SC'
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

# Families that cover simplified Chinese, the likeliest first: Noto Sans CJK (Debian's and
# Ubuntu's fonts-noto-cjk, which scripts/bootstrap.sh installs), Source Han Sans (the same
# glyphs under Adobe's name), WenQuanYi (older Linux), then what Windows and macOS ship.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)


def find_cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs that matplotlib can use, or
    None. Fonts installed after matplotlib built its font cache are found through fontconfig
    (``fc-list :lang=zh``) and added to matplotlib's font list."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FAMILIES if name in names), None)

    found = known()
    if found:
        return found
    for path in _fontconfig_files():
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue  # a file matplotlib cannot read: another may do
    found = known()
    if found:
        return found
    # A CJK family under a name not in the list, found by fontconfig: take the first.
    names = {
        f.name for f in font_manager.fontManager.ttflist if f.fname in set(_fontconfig_files())
    }
    return min(names) if names else None


def use_cjk_font(family: str | None = None) -> str:
    """Make matplotlib draw Chinese: puts ``family`` (default: the first of
    :data:`CJK_FAMILIES` installed, else any font fontconfig lists for Chinese) first in
    ``font.sans-serif``, makes sans-serif the default family and draws the minus sign as a
    hyphen (CJK fonts often lack U+2212). Returns the family. Raises ``RuntimeError`` when
    there is none (install fonts-noto-cjk, or pass a family matplotlib knows).

    >>> smedx.plotting.use_cjk_font()
    'Noto Sans CJK SC'
    """
    from matplotlib import font_manager, rcParams

    if family is None:
        family = find_cjk_font()
        if family is None:
            raise RuntimeError(
                "no font with Chinese glyphs found for matplotlib: install one "
                "(apt-get install fonts-noto-cjk) or pass use_cjk_font(family=...)"
            )
    elif family not in {f.name for f in font_manager.fontManager.ttflist}:
        raise RuntimeError(f"matplotlib has no font family {family!r}")
    rcParams["font.sans-serif"] = [family] + [f for f in rcParams["font.sans-serif"] if f != family]
    rcParams["font.family"] = ["sans-serif"]
    rcParams["axes.unicode_minus"] = False
    return family


def _fontconfig_files() -> list[str]:
    """Font files fontconfig lists as covering Chinese (none without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        done = subprocess.run(
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    files: list[Any] = [line.split(":")[0].strip() for line in done.stdout.splitlines()]
    return sorted({f for f in files if f})
