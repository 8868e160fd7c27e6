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


def mostly_hidden(values: Sequence[float | str | None]) -> bool:
    """True when more than half of the values are hidden (`<5`, `x`) or missing: a chart of such
    figures shows mostly empty space, so the report gives the table alone."""
    shown = [v for v in values if isinstance(v, int | float)]
    return len(shown) * 2 < len(values)


def _long_labels(labels: Sequence[str]) -> bool:
    """Labels that would overlap under vertical bars: many of them, or long ones."""
    return len(labels) > 8 or max((len(label) for label in labels), default=0) > 12


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | str | None],
              ylabel: str, percent: bool = False) -> Chart:
    """Bars; a value that is a string (a hidden figure) or None gets no bar but its sign.

    Long or many labels get horizontal bars, so each label sits on its own line instead of
    overlapping its neighbours under the axis."""
    labels = [str(label) for label in labels]
    horizontal = _long_labels(labels)
    with matplotlib.rc_context(_RC):
        if horizontal:
            figure = Figure(figsize=(6.5, max(2.0, 0.32 * len(labels) + 1.0)))
        else:
            figure = Figure(figsize=(max(4.0, min(12.0, 0.55 * len(labels) + 2)), 3.2))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        numeric = [v if isinstance(v, int | float) else 0 for v in values]
        top = max([v for v in numeric if v] or [1])
        if horizontal:
            axes.barh(positions, numeric, color=BAR_COLOUR)
            for y, value in zip(positions, values, strict=True):
                if isinstance(value, str):
                    axes.annotate(value, (0, y), xytext=(3, 0), textcoords="offset points", va="center")
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()  # first label at the top, as in the table
            axes.set_xlabel(ylabel)
            axes.set_xlim(0, top * 1.15)
            if percent:
                axes.xaxis.set_major_formatter(_percent_axis(top * 1.15))
            axes.spines[["top", "right"]].set_visible(False)
        else:
            axes.bar(positions, numeric, color=BAR_COLOUR)
            for x, value in zip(positions, values, strict=True):
                if isinstance(value, str):
                    axes.annotate(value, (x, 0), xytext=(0, 3), textcoords="offset points", ha="center")
            axes.set_xticks(positions, labels)
            axes.set_ylabel(ylabel)
            axes.set_ylim(0, top * 1.15)
            if percent:
                axes.yaxis.set_major_formatter(_percent_axis(top * 1.15))
            axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title)
    shown = ", ".join(
        f"{label}: {format_percent(v) if percent and isinstance(v, float) else v}"
        for label, v in zip(labels, values, strict=True)
    )
    return Chart(title, f"Staafdiagram {title}. {shown}", _render(figure))


def line_chart(title: str, x_labels: Sequence[str], series: Mapping[str, Sequence[float | str | None]],
               ylabel: str, percent: bool = False, voorlopig: Sequence[bool] = ()) -> Chart:
    """One line per series over the x labels (years); hidden or missing points break the line.

    A point whose `voorlopig` flag is set is a provisional figure: drawn open, reached by a dashed
    line and labelled "voorlopig" under the axis, so it is not read as final."""
    provisional = [bool(flag) for flag in voorlopig] + [False] * (len(x_labels) - len(voorlopig))
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(6.5, 3.2))
        axes = figure.add_subplot()
        positions = list(range(len(x_labels)))
        for (name, values), colour in zip(series.items(), LINE_COLOURS * 10, strict=False):
            points = [v if isinstance(v, int | float) else float("nan") for v in values]
            final = [p if not provisional[i] else float("nan") for i, p in enumerate(points)]
            axes.plot(positions, final, marker="o", color=colour, label=name)
            for i in range(1, len(points)):
                if provisional[i]:
                    axes.plot([positions[i - 1], positions[i]], [points[i - 1], points[i]], linestyle="--",
                              color=colour)
            shown = [(positions[i], points[i]) for i in range(len(points)) if provisional[i]]
            if shown:
                axes.plot([x for x, _ in shown], [y for _, y in shown], linestyle="none", marker="o",
                          markerfacecolor="white", color=colour, label=f"{name} (voorlopig)")
            for x, value in zip(positions, values, strict=False):
                if isinstance(value, str):
                    axes.annotate(value, (x, 0), xytext=(0, 3), textcoords="offset points", ha="center")
        axes.set_xticks(positions, [f"{label}\nvoorlopig" if provisional[i] else str(label)
                                    for i, label in enumerate(x_labels)])
        axes.set_ylabel(ylabel)
        axes.set_ylim(bottom=0)
        if percent:
            axes.yaxis.set_major_formatter(_percent_axis(axes.get_ylim()[1]))
        if len(series) > 1 or any(provisional):
            axes.legend(frameon=False)
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
    marked = [f"{label} (voorlopig)" if provisional[i] else str(label) for i, label in enumerate(x_labels)]
    return Chart(title, f"Lijndiagram {title} per jaar: {', '.join(marked)}", _render(figure))
