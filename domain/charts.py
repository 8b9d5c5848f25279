"""The /stats chart: sales per day and best sellers, as a PNG readable on a phone."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from domain import texts
from domain.money import MINOR_PER_PESO, format_count
from domain.periods import short_date
from domain.stats import Stats

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SIZE_INCHES = (8, 8)
DPI = 110
BAR_COLOR = "#2E7D32"
EMPTY_COLOR = "#9E9E9E"
TOP_COLOR = "#1565C0"
MAX_X_LABELS = 12
MAX_LABEL_CHARS = 28


def stats_chart(stats: Stats) -> bytes:
    """Render the chart as PNG bytes (matplotlib's Agg backend, no global pyplot state)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    try:
        figure.suptitle(texts.CHART_TITLE.format(label=stats.period.label), fontsize=15)
        daily, top = figure.subplots(2, 1, height_ratios=(3, 2))
        _draw_daily(daily, stats)
        _draw_top(top, stats)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()
    finally:
        figure.clear()


def _draw_daily(axes: Axes, stats: Stats) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    days = stats.daily
    pesos = [day.revenue_minor // MINOR_PER_PESO for day in days]
    positions = list(range(len(days)))
    title = (
        texts.CHART_DAILY_TITLE_LAST.format(days=len(days))
        if stats.daily_truncated
        else texts.CHART_DAILY_TITLE
    )
    axes.set_title(title, fontsize=12, loc="left")
    axes.bar(positions, pesos, color=BAR_COLOR, width=0.8)
    step = max(1, -(-len(days) // MAX_X_LABELS))
    shown = positions[::step]
    axes.set_xticks(shown, [short_date(days[i].day) for i in shown], fontsize=9)
    axes.tick_params(axis="x", labelrotation=45 if len(shown) > 7 else 0)
    axes.set_xlim(-0.6, max(len(days), 1) - 0.4)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _short_cop(value)))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    if not any(pesos):
        axes.set_ylim(0, 1)
        axes.set_yticks([])
        axes.text(
            0.5,
            0.5,
            texts.CHART_NO_SALES,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=14,
            color=EMPTY_COLOR,
        )
    elif len(days) <= 14:
        for position, day in zip(positions, days, strict=True):
            if day.orders:
                axes.annotate(
                    texts.CHART_ORDERS.format(count=day.orders),
                    (position, day.revenue_minor // MINOR_PER_PESO),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                )


def _draw_top(axes: Axes, stats: Stats) -> None:
    axes.set_title(texts.CHART_TOP_TITLE, fontsize=12, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    products = stats.top_products
    if not products:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.text(
            0.5,
            0.5,
            texts.CHART_NO_PRODUCTS,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=14,
            color=EMPTY_COLOR,
        )
        return
    names = [_shorten(product.name) for product in products]
    units = [product.units for product in products]
    positions = list(range(len(products)))
    bars = axes.barh(positions, units, color=TOP_COLOR, height=0.6)
    axes.set_yticks(positions, names, fontsize=10)
    axes.invert_yaxis()  # the best seller on top
    axes.bar_label(
        bars, labels=[texts.CHART_UNITS.format(units=n) for n in units], padding=3, fontsize=9
    )
    axes.set_xlim(0, max(units) * 1.25)
    axes.xaxis.set_visible(False)


def _short_cop(value: float) -> str:
    """Axis labels in pesos: `$850 mil`, `$1,2 M` (display only; amounts stay integers)."""
    pesos = int(round(value))
    if pesos >= 1_000_000:
        tenths = (pesos + 50_000) // 100_000
        whole, fraction = divmod(tenths, 10)
        number = format_count(whole) + (f",{fraction}" if fraction else "")
        return texts.CHART_MILLIONS.format(value=number)
    if pesos >= 1_000:
        return texts.CHART_THOUSANDS.format(value=(pesos + 500) // 1000)
    return texts.CHART_PESOS.format(value=pesos)


def _shorten(name: str, width: int = MAX_LABEL_CHARS) -> str:
    name = " ".join(name.split())
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"
