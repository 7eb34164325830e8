"""The manager's dashboard as one self-contained HTML file: every chart drawn with matplotlib and embedded as a
PNG data URI, with its text alternative and a table beside it; the same PNGs can be written for slides.

Why it is built this way: the file is opened on council laptops and attached to e-mails, so it needs no network,
no script and no other file; its Content-Security-Policy forbids loading anything that is not in the file
itself. All text is escaped. Colours are the Okabe-Ito palette (distinguishable with colour-blindness) and no
information is carried by colour alone: every figure is in the table too."""
from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Mapping
from dataclasses import asdict
from io import BytesIO
from pathlib import Path
from typing import Any

from ehcp_docs.casework.dashboard import Chart, Figures
from ehcp_docs.fileio import atomic_write
from ehcp_docs.store.index import IndexedStore

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def draw(chart: Chart) -> bytes:
    """The chart as PNG bytes. A bare Figure (no pyplot: its import alone costs more than drawing) and a fixed
    layout keep six charts well under a second."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    longest = max((len(c) for c in chart.categories), default=0)
    wide = longest > 14 or (len(chart.categories) > 6 and longest > 4)  # labels set at a slant
    fig = Figure(figsize=(8.0, 4.2 if wide else 3.6), dpi=100)
    fig.subplots_adjust(left=0.15 if longest > 14 else 0.08, right=0.98, top=0.9, bottom=0.3 if wide else 0.12)
    ax = fig.add_subplot()
    x = list(range(len(chart.categories)))
    if chart.kind == "line":
        for i, (name, values) in enumerate(chart.series.items()):
            ax.plot(x, values, marker="o", color=PALETTE[i % len(PALETTE)], label=name,
                    linestyle="-" if i == 0 else "--")
    elif chart.kind == "stacked":
        bottom = [0] * len(x)
        for i, (name, values) in enumerate(chart.series.items()):
            ax.bar(x, values, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=name,
                   hatch=["", "//", "..", "xx"][i % 4], edgecolor="white")
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    else:
        n = max(1, len(chart.series))
        width = 0.8 / n
        for i, (name, values) in enumerate(chart.series.items()):
            ax.bar([v + (i - (n - 1) / 2) * width for v in x], values, width=width, label=name,
                   color=PALETTE[i % len(PALETTE)], hatch=["", "//", ".."][i % 3], edgecolor="white")
    if chart.reference is not None:
        ax.axvline(chart.reference, color="#D55E00", linestyle=":", linewidth=2, label="the statutory limit")
    ax.set_xticks(x, [_short(c) for c in chart.categories], fontsize=8, rotation=30 if wide else 0,
                  ha="right" if wide else "center")
    ax.set_title(chart.title, fontsize=11)
    ax.set_xlabel(chart.xlabel, fontsize=9)
    ax.set_ylabel(chart.ylabel, fontsize=9)
    if not any(v for values in chart.series.values() for v in values):
        ax.set_ylim(0, 1)
        ax.text(0.5, 0.5, "none", transform=ax.transAxes, ha="center", va="center", fontsize=14, color="#555")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False)
    buf = BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def _short(label: str) -> str:
    return label if len(label) <= 24 else label[:22] + "..."


def _table(chart: Chart) -> str:
    e = html.escape
    head = "".join(f"<th scope=\"col\">{e(str(h))}</th>" for h in chart.headers)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in chart.rows)
    if not chart.rows:
        body = f"<tr><td colspan=\"{len(chart.headers)}\">nothing to show</td></tr>"
    return f"<table><caption>{e(chart.title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(figures: Figures, la: Mapping[str, Any], images: dict[str, bytes]) -> str:
    e = html.escape
    sections = []
    for c in figures.charts:
        uri = "data:image/png;base64," + base64.b64encode(images[c.key]).decode("ascii")
        note = f"<p class=\"note\">{e(c.note)}</p>" if c.note else ""
        sections.append(
            f"<section id=\"{e(c.key)}\"><h2>{e(c.title)}</h2><div class=\"pair\">"
            f"<figure><img src=\"{uri}\" alt=\"{e(c.alt)}\" width=\"800\"><figcaption>{e(c.alt)}</figcaption>"
            f"</figure>{_table(c)}</div>{note}</section>")
    title = f"SEND management dashboard, {figures.today:%d %B %Y}"
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font-family: Arial, Helvetica, sans-serif; margin: 1.5rem; color: #1a1a1a; max-width: 1400px; }}
h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
h2 {{ font-size: 1.2rem; border-top: 2px solid #0072B2; padding-top: 0.6rem; }}
.pair {{ display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }}
figure {{ margin: 0; flex: 0 1 800px; }} img {{ max-width: 100%; height: auto; }}
figcaption, .note, .lede {{ font-size: 0.9rem; color: #333; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }} caption {{ text-align: left; font-weight: bold; }}
th, td {{ border: 1px solid #999; padding: 0.2rem 0.5rem; text-align: left; }} td + td {{ text-align: right; }}
</style></head>
<body><header><h1>{e(title)}</h1>
<p class="lede">{e(str(la.get("name", "")))}: {figures.plans} plans in the store. Every figure is worked out from the
plan history as it stands today; plan ids only, no names.</p></header>
<main>
{chr(10).join(sections)}
</main></body></html>
"""


def images(figures: Figures, store: IndexedStore | None = None) -> dict[str, bytes]:
    """Every chart drawn, each kept in the store's index by its data, this module and the drawing library's
    version, so that a dashboard whose figures did not change is written without loading matplotlib."""
    if store is None:
        return {c.key: draw(c) for c in figures.charts}
    from ehcp_docs.store import index

    h = hashlib.sha1(Path(__file__).read_bytes() + _matplotlib_version().encode())
    out = {}
    for c in figures.charts:
        key = hashlib.sha1(h.digest() + json.dumps(asdict(c), sort_keys=True).encode()).hexdigest()
        out[c.key] = index.cached_bytes(store, f"chart:{key}", lambda c=c: draw(c))  # type: ignore[misc]
    return out


def _matplotlib_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("matplotlib")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "?"


def write(figures: Figures, la: Mapping[str, Any], path: Path, png_dir: Path | None = None,
          drawn: dict[str, bytes] | None = None) -> list[Path]:
    """Writes the HTML file (and every chart as PNG into png_dir); returns the files written. `drawn`: the charts
    already drawn (`images`)."""
    images = drawn if drawn is not None else {c.key: draw(c) for c in figures.charts}
    atomic_write(path, page(figures, la, images).encode("utf-8"))
    written = [path]
    if png_dir is not None:
        for i, c in enumerate(figures.charts, 1):
            p = png_dir / f"{i:02d}-{c.key}.png"
            atomic_write(p, images[c.key])
            written.append(p)
    return written
