"""Server-side SVG charts for the recruitment analytics page, drawn with pygal (docs/decisions.md:
pure Python, no JavaScript, nothing loaded from outside — the product often runs on an intranet).

Each function takes a figure from :mod:`recruitment.analytics` and returns SVG markup (a ``str``)
that the template inserts with ``|safe``. That is safe because the markup is produced by
ElementTree, which escapes every label and value text (``<`` → ``&lt;``), and :func:`_clean_svg`
removes what pygal would otherwise embed: its comments (which carry pygal.org URLs) and its
configuration ``<script>`` (labels serialised as JSON, and pygal's JS, which we never load).
``js=[]`` keeps pygal from linking its tooltip script from a CDN, and no Google font is used, so
the only URL left in the markup is the SVG namespace. The charts are not interactive; every value
is printed on the chart and the page shows the same figures as a plain table under each chart.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import pygal
from django.utils.translation import gettext as _
from pygal.etree import etree
from pygal.style import Style

from .analytics import Funnel, OfferAcceptance, SourceRow, StageTimeRow

#: The app's font stack (static/css/app.css), CJK fonts included.
FONT_STACK = 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", Arial, sans-serif'

#: Bootstrap 5.3 palette: primary, success, orange, danger, indigo, teal, secondary.
BOOTSTRAP = {
    "primary": "#0d6efd", "success": "#198754", "orange": "#fd7e14", "danger": "#dc3545",
    "indigo": "#6610f2", "teal": "#20c997", "secondary": "#6c757d", "info": "#0dcaf0", "warning": "#ffc107",
}
SERIES_COLOURS = (BOOTSTRAP["primary"], BOOTSTRAP["teal"], BOOTSTRAP["orange"], BOOTSTRAP["success"], BOOTSTRAP["indigo"], BOOTSTRAP["secondary"])


def chart_style(colours: Iterable[str] = SERIES_COLOURS) -> Style:
    """One look for every chart: transparent background (the card is white), Bootstrap's body and
    border greys, the app's font, the given series colours."""
    return Style(
        background="transparent", plot_background="transparent",
        foreground="#495057", foreground_strong="#212529", foreground_subtle="#dee2e6",
        font_family=FONT_STACK, label_font_size=12, major_label_font_size=12, value_font_size=12,
        value_label_font_size=11, legend_font_size=12, title_font_size=14, tooltip_font_size=12, no_data_font_size=16,
        guide_stroke_color="#e9ecef", major_guide_stroke_color="#dee2e6", guide_stroke_dasharray="3,3",
        opacity=".9", opacity_hover="1", transition="120ms", colors=tuple(colours),
    )


def _clean_svg(description: str) -> Callable[[Any], Any]:
    """An ``xml_filters`` entry: drop comments and scripts, name the chart for screen readers."""

    def clean(root: Any) -> Any:
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag is etree.Comment or child.tag == "script" or str(child.tag).endswith("}script"):
                    parent.remove(child)
        for child in root:
            if child.tag == "title" or str(child.tag).endswith("}title"):
                child.text = description
        root.set("role", "img")
        root.set("aria-label", description)
        return root

    return clean


def _chart(chart_class: type, description: str, **overrides: Any) -> Any:
    """A ``chart_class`` chart with the shared configuration and :func:`_clean_svg` applied."""
    config: dict[str, Any] = {
        "js": [],  # no pygal.js from a CDN (intranet; docs/decisions.md)
        "disable_xml_declaration": True,  # inline <svg> in the page
        "explicit_size": False,  # viewBox only: the chart scales to its card
        "width": 640, "height": 300,
        "style": chart_style(),
        # one legend row: as many columns as series (more columns than series pushes pygal's legend
        # below the viewBox)
        "legend_at_bottom": True, "legend_at_bottom_columns": 1,
        "print_values": True, "print_zeroes": False,
        "truncate_label": -1, "truncate_legend": -1,
        "margin": 8, "spacing": 12,
        "no_data_text": _("No data for this selection"),
        "tooltip_border_radius": 4,
    }
    config.update(overrides)
    chart = chart_class(**config)
    chart.add_xml_filter(_clean_svg(description))
    return chart


def _render(chart: Any) -> str:
    return chart.render(is_unicode=True)


def _count(value: Any) -> str:
    return "" if value is None else f"{value:,.0f}"


def funnel_chart(funnel: Funnel, *, series_title: str = "") -> str:
    """Bar per funnel step (applications that reached it), in pipeline order; ``series_title`` is
    the legend (the selected posting's title, or "All postings")."""
    steps = funnel.overall.steps
    chart = _chart(
        pygal.Bar, _("Recruitment funnel: applications that reached each stage"), show_legend=bool(series_title),
        value_formatter=_count, min_scale=2, max_scale=6, legend_at_bottom_columns=1,
    )
    chart.x_labels = [step.label for step in steps]
    if funnel.overall.total:
        chart.add(series_title or _("Applications"), [step.count for step in steps])
    return _render(chart)


def source_chart(rows: list[SourceRow]) -> str:
    """Grouped bars per source: applications, reached interview, offers, hired."""
    chart = _chart(pygal.Bar, _("Source effectiveness"), value_formatter=_count, min_scale=2, max_scale=6, legend_at_bottom_columns=4)
    chart.x_labels = [row.label for row in rows]
    if any(row.applications for row in rows):
        chart.add(_("Applications"), [row.applications for row in rows])
        chart.add(_("Reached interview"), [row.interviewed for row in rows])
        chart.add(_("Offers"), [row.offered for row in rows])
        chart.add(_("Hired"), [row.hired for row in rows])
    return _render(chart)


def time_in_stage_chart(rows: list[StageTimeRow]) -> str:
    """Horizontal bars per stage: average and median days."""
    chart = _chart(
        pygal.HorizontalBar, _("Days in stage: average and median"), value_formatter=lambda v: "" if v is None else f"{v:.1f}",
        style=chart_style((BOOTSTRAP["primary"], BOOTSTRAP["teal"])), legend_at_bottom_columns=2,
        margin_left=48,  # pygal measures labels in Latin widths; Chinese stage names need the room
    )
    # HorizontalBar draws the first label at the bottom: reverse so the pipeline reads top-down.
    ordered = list(reversed(rows))
    chart.x_labels = [row.label for row in ordered]
    if any(row.stays for row in rows):
        chart.add(_("Average days"), [None if row.average_days is None else float(row.average_days) for row in ordered])
        chart.add(_("Median days"), [None if row.median_days is None else float(row.median_days) for row in ordered])
    return _render(chart)


def acceptance_chart(acceptance: OfferAcceptance) -> str:
    """Donut of decided offers: accepted, declined, expired (the rate is printed beside it)."""
    chart = _chart(
        pygal.Pie, _("Offer acceptance: accepted, declined and expired offers"), inner_radius=.6, width=360, height=300,
        value_formatter=_count, legend_at_bottom_columns=3,
        style=chart_style((BOOTSTRAP["success"], BOOTSTRAP["danger"], BOOTSTRAP["secondary"])),
    )
    if acceptance.decided:
        chart.add(_("Accepted"), acceptance.accepted)
        chart.add(_("Declined"), acceptance.declined)
        chart.add(_("Expired"), acceptance.expired)
    return _render(chart)
