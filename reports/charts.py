"""Charts for the HTML reports, drawn by matplotlib and embedded inline as SVG.

matplotlib's object API (`Figure`, no pyplot) is used so that nothing depends on a display or a
global backend, and a report can be made in a worker thread. Each chart becomes a
`data:image/svg+xml` URI for an `<img>`: self-contained (one file to mail or archive), and the
SVGs of several charts cannot clash on element ids. Text stays text in the SVG (`svg.fonttype`
`none`) and the output is reproducible (fixed hash salt, no date in the metadata).

Labels are Dutch and numbers use the decimal comma. A hidden figure (`<5`, `x`) is never
plotted: its bar is left out and marked with the same sign, so a chart cannot reveal what the
table hides.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reports.numbers import format_percent

BAR_COLOUR = "#1f5f8b"
LINE_COLOURS = ("#1f5f8b", "#d9822b", "#3b8b3b", "#8b1f5f", "#5f5f5f")
_RC = {"svg.fonttype": "none", "svg.hashsalt": "inbeeld", "font.size": 9}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: title, alt text and the inline SVG as a data URI."""

    title: str
    alt: str
    svg: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def _render(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _percent_axis(top: float) -> FuncFormatter:
    """Tick labels with one decimal on a small scale (up to 5 %), whole percents above."""
    decimals = 1 if top <= 0.05 else 0
    return FuncFormatter(lambda value, _position: format_percent(value, decimals=decimals))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | str | None],
              ylabel: str, percent: bool = False) -> Chart:
    """Vertical bars; a value that is a string (a hidden figure) or None gets no bar but its sign."""
    with matplotlib.rc_context(_RC):
        width = max(4.0, min(12.0, 0.55 * len(labels) + 2))
        figure = Figure(figsize=(width, 3.2))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        numeric = [v if isinstance(v, int | float) else 0 for v in values]
        axes.bar(positions, numeric, color=BAR_COLOUR)
        top = max([v for v in numeric if v] or [1])
        for x, value in zip(positions, values, strict=True):
            if isinstance(value, str):
                axes.annotate(value, (x, 0), xytext=(0, 3), textcoords="offset points", ha="center")
        axes.set_xticks(positions, [str(label) for label in labels], rotation=45 if len(labels) > 6 else 0,
                        ha="right" if len(labels) > 6 else "center")
        axes.set_ylabel(ylabel)
        axes.set_ylim(0, top * 1.15)
        if percent:
            axes.yaxis.set_major_formatter(_percent_axis(top * 1.15))
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
    shown = ", ".join(
        f"{label}: {format_percent(v) if percent and isinstance(v, float) else v}"
        for label, v in zip(labels, values, strict=True)
    )
    return Chart(title, f"Staafdiagram {title}. {shown}", _render(figure))


def line_chart(title: str, x_labels: Sequence[str], series: Mapping[str, Sequence[float | str | None]],
               ylabel: str, percent: bool = False) -> Chart:
    """One line per series over the x labels (years); hidden or missing points break the line."""
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(6.5, 3.2))
        axes = figure.add_subplot()
        positions = list(range(len(x_labels)))
        for (name, values), colour in zip(series.items(), LINE_COLOURS * 10, strict=False):
            points = [v if isinstance(v, int | float) else float("nan") for v in values]
            axes.plot(positions, points, marker="o", color=colour, label=name)
            for x, value in zip(positions, values, strict=False):
                if isinstance(value, str):
                    axes.annotate(value, (x, 0), xytext=(0, 3), textcoords="offset points", ha="center")
        axes.set_xticks(positions, list(x_labels))
        axes.set_ylabel(ylabel)
        axes.set_ylim(bottom=0)
        if percent:
            axes.yaxis.set_major_formatter(_percent_axis(axes.get_ylim()[1]))
        if len(series) > 1:
            axes.legend(frameon=False)
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
    return Chart(title, f"Lijndiagram {title} per jaar: {', '.join(x_labels)}", _render(figure))
