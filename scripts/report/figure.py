"""Deterministic matplotlib figures (Agg): fixed pixel size, matplotlib's built-in defaults whatever the user's
matplotlibrc, no version or date metadata in the PNG, so equal inputs give byte-identical files."""
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

WIDTH_PX, HEIGHT_PX, DPI = 1000, 600, 100
COLORS = plt.get_cmap("tab10").colors


def setup():
    matplotlib.rcdefaults()  # ignore any matplotlibrc: the same input always gives the same pixels
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "llmsim-report", "font.size": 10, "axes.grid": True,
                                "grid.alpha": 0.3, "legend.fontsize": 8, "figure.dpi": DPI, "savefig.dpi": DPI})


def color(i):
    return COLORS[i % len(COLORS)]


def new(nrows=1, ncols=1, **kw):
    return plt.subplots(nrows, ncols, figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, **kw)


@dataclass
class Plot:
    """One written figure: file name inside the output directory, title, and what it shows and reads."""
    file: str
    title: str
    caption: str


def save(fig, out_dir, file, title, caption):
    fig.tight_layout()
    fig.savefig(out_dir / file, dpi=DPI, format="png", metadata={"Software": None})
    plt.close(fig)
    return Plot(file, title, caption)


def thin_ticks(ax, positions, labels, max_labels=32):
    """Category tick labels, every k-th one when there are too many to read."""
    step = max(1, -(-len(positions) // max_labels))
    ax.set_xticks(positions[::step])
    ax.set_xticklabels(labels[::step], rotation=90 if len(labels) > 12 else 0, fontsize=8)
