"""A small picture of progress over the terms, for families who would rather look than read. Each cell is
labelled in words as well as coloured, so no information is carried by colour alone."""
from __future__ import annotations

import textwrap
from collections.abc import Mapping
from io import BytesIO

LEVEL = {"not-started": 0, "not-on-track": 1, "on-track": 2, "achieved": 3}
LABEL = {"not-started": "not started", "not-on-track": "not on track", "on-track": "on track", "achieved": "achieved"}
COLOURS = ["#d9d9d9", "#f4a582", "#92c5de", "#4393c3"]


def status_chart(items: list[str], columns: list[str], status: dict[tuple[str, str], str],
                 labels: Mapping[str, str] | None = None) -> bytes:
    """A grid: one row per outcome or target, one column per progress return, each cell naming the status. Rows
    are labelled `labels[item]` (a short title, wrapped over lines, never cut) and columns by their own words (the
    term, "Autumn 2026")."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.colors import ListedColormap

    grid = [[LEVEL.get(status.get((i, c), ""), -1) for c in columns] for i in items]
    names = [textwrap.fill((labels or {}).get(i, i), 44, break_long_words=False) for i in items]
    lines = sum(n.count("\n") + 1 for n in names)
    fig_h = max(1.6, 0.15 * lines + 0.1 * len(items) + 0.8)
    fig, ax = plt.subplots(figsize=(7.0, fig_h), dpi=110)
    masked = [[v if v >= 0 else 0 for v in row] for row in grid]
    ax.imshow(masked, cmap=ListedColormap(COLOURS), vmin=0, vmax=3, aspect="auto")
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            text = LABEL[list(LEVEL)[v]] if v >= 0 else "no return"
            ax.text(c, r, text, ha="center", va="center", fontsize=8, color="black")
    ax.set_xticks(range(len(columns)), columns, fontsize=8)
    ax.set_yticks(range(len(items)), names, fontsize=8)
    ax.set_title("Progress at each termly update", fontsize=10)
    ax.tick_params(length=0)
    fig.tight_layout()
    buf = BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def alt_text(items: list[str], columns: list[str], status: dict[tuple[str, str], str],
             labels: Mapping[str, str] | None = None) -> str:
    """What a screen reader says instead of the chart: the latest status of every item and how it moved."""
    parts = []
    for i in items:
        seq = [f"{LABEL.get(status.get((i, c), ''), 'no return')} in {c}" for c in columns]
        parts.append(f"{(labels or {}).get(i, i)}: {', then '.join(seq)}")
    return f"Chart of progress over {len(columns)} termly update(s). " + "; ".join(parts) + "."
