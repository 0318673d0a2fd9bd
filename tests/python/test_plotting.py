"""smedx.plotting: Chinese chart labels draw in a CJK font, not as boxes."""

from __future__ import annotations

import pytest
import smedx

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def test_use_cjk_font_makes_chinese_labels_draw_in_a_cjk_font() -> None:
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    family = smedx.plotting.use_cjk_font()
    assert family in smedx.plotting.CJK_FAMILIES or "CJK" in family or "Han" in family
    fig, ax = plt.subplots()
    try:
        ax.bar(["一级", "二级"], [3, 5])
        title = ax.set_title("数字化基础")
        # A glyph missing from the font is a UserWarning, which pytest turns into an error.
        fig.canvas.draw()
        used = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
        assert font_manager.get_font(used).family_name == family
        for label in ax.get_xticklabels():
            assert label.get_fontname() == family
    finally:
        plt.close(fig)


def test_an_unknown_family_is_refused() -> None:
    with pytest.raises(RuntimeError, match="no font family"):
        smedx.plotting.use_cjk_font("No Such Font 123")
