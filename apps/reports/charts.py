"""
Charts as pure functions: data in, SVG or PNG bytes out (no ORM, no request).

matplotlib's object API only (Figure, never pyplot: pyplot keeps global figures and leaks in
long-running processes); the Agg-based canvases need no display. SVG keeps text as text
(svg.fonttype "none") so Chinese labels use the browser's fonts and the file stays small;
matplotlib escapes the text, so a customer called "<script>" is harmless. PNG is for
downloads, rendered with WenQuanYi Micro Hei: the Python package paperang-p2-fonts-cjk ships
it (byte for byte Debian's fonts-wqy-microhei), and it is registered with matplotlib here, so
Chinese shows on a machine with no CJK font installed.
"""

import io
from collections.abc import Sequence
from decimal import Decimal
from importlib.resources import files

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

CJK_FONT = files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
CJK_FONT_NAME = "WenQuanYi Micro Hei"

# Process-wide defaults, set once: the chart functions never touch global state afterwards.
font_manager.fontManager.addfont(str(CJK_FONT))
matplotlib.rcParams.update(
    {
        "font.family": "sans-serif",
        "font.sans-serif": [CJK_FONT_NAME, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK font has no U+2212
        "svg.fonttype": "none",
        "svg.hashsalt": "crm-reports",  # stable element ids: same data, same bytes
        "text.parse_math": False,  # "$" in a customer name is text, not TeX
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
COLOURS = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997"]
Number = int | float | Decimal


def _figure(size=(7.5, 4.0)) -> Figure:
    return Figure(figsize=size, layout="constrained")


def _render(figure: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        figure.savefig(buffer, format="png", dpi=120)
    return buffer.getvalue()


def _short(label, width: int = 12) -> str:
    text = str(label)
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: Number) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):,.2f}"


def _axis_number(value, _position) -> str:
    return f"{value:,.0f}"


def _no_data(figure: Figure, title: str, message: str, fmt: str) -> bytes:
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes)
    return _render(figure, fmt)


def bar_chart(
    *,
    title: str,
    labels: Sequence,
    values: Sequence[Number],
    axis_label: str = "",
    no_data: str = "",
    horizontal: bool = False,
    size: Sequence[float] = (7.5, 4.0),
    fmt: str = "svg",
) -> bytes:
    """One bar per label with its value written on it (counts or amounts)."""
    figure = _figure(tuple(size))
    if not any(values):
        return _no_data(figure, title, no_data, fmt)
    axes = figure.add_subplot()
    axes.set_title(title)
    positions = list(range(len(values)))
    heights = [float(v) for v in values]
    if horizontal:
        bars = axes.barh(positions, heights, color=COLOURS[0])
        axes.set_yticks(positions, [_short(label, 16) for label in labels])
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(FuncFormatter(_axis_number))
        axes.set_xlabel(axis_label)
    else:
        bars = axes.bar(positions, heights, color=COLOURS[0])
        axes.set_xticks(
            positions,
            [_short(label) for label in labels],
            rotation=30 if len(labels) > 6 else 0,
            ha="right" if len(labels) > 6 else "center",
        )
        axes.yaxis.set_major_formatter(FuncFormatter(_axis_number))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(axis_label)
    axes.bar_label(bars, labels=[_number(v) for v in values], padding=2, fontsize=8)
    return _render(figure, fmt)


def pareto_chart(
    *,
    title: str,
    labels: Sequence,
    values: Sequence[Number],
    total: Number,
    axis_label: str = "",
    share_label: str = "",
    no_data: str = "",
    fmt: str = "svg",
) -> bytes:
    """The biggest values as bars, with their cumulative share of `total` as a line (Pareto)."""
    figure = _figure((8.0, 4.5))
    if not values or not total:
        return _no_data(figure, title, no_data, fmt)
    axes = figure.add_subplot()
    axes.set_title(title)
    positions = list(range(len(values)))
    bars = axes.bar(positions, [float(v) for v in values], color=COLOURS[0])
    axes.bar_label(bars, labels=[_number(v) for v in values], padding=2, fontsize=7)
    axes.set_xticks(positions, [_short(label) for label in labels], rotation=30, ha="right")
    axes.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    axes.set_ylabel(axis_label)
    running, shares = Decimal(0), []
    for value in values:
        running += Decimal(value)
        shares.append(float(running / Decimal(total) * 100))
    share_axes = axes.twinx()
    share_axes.plot(positions, shares, color=COLOURS[1], marker="o")
    share_axes.set_ylim(0, 105)
    share_axes.yaxis.set_major_formatter(PercentFormatter())
    share_axes.set_ylabel(share_label)
    return _render(figure, fmt)


def grouped_bar_chart(
    *,
    title: str,
    labels: Sequence,
    series: Sequence[tuple[str, Sequence[Number]]],
    axis_label: str = "",
    no_data: str = "",
    fmt: str = "svg",
) -> bytes:
    """Several series side by side per label (e.g. this year's and last year's months)."""
    figure = _figure()
    if not any(any(values) for _name, values in series):
        return _no_data(figure, title, no_data, fmt)
    axes = figure.add_subplot()
    axes.set_title(title)
    width = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        offsets = [p + (index - (len(series) - 1) / 2) * width for p in range(len(labels))]
        axes.bar(
            offsets,
            [float(v) for v in values],
            width,
            label=name,
            color=COLOURS[index % len(COLOURS)],
        )
    axes.set_xticks(list(range(len(labels))), [str(label) for label in labels])
    axes.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    axes.set_ylabel(axis_label)
    axes.legend(frameon=False)
    return _render(figure, fmt)


CHARTS = {"bar": bar_chart, "pareto": pareto_chart, "grouped": grouped_bar_chart}


def _number_of(value) -> Number:
    """Amounts are stored as strings (exact decimals), counts as integers."""
    return Decimal(value) if isinstance(value, str) else value


def render(spec: dict, fmt: str = "svg") -> bytes:
    """A chart from its stored description {"type": …, **arguments} (see the report builders)."""
    arguments = {key: value for key, value in spec.items() if key != "type"}
    if "values" in arguments:
        arguments["values"] = [_number_of(v) for v in arguments["values"]]
    if "series" in arguments:
        arguments["series"] = [(n, [_number_of(v) for v in vs]) for n, vs in arguments["series"]]
    if "total" in arguments:
        arguments["total"] = _number_of(arguments["total"])
    return CHARTS[spec["type"]](fmt=fmt, **arguments)
