"""Bar charts as inline SVG, drawn by the service (no script, no CDN): one bar per period with its value."""

from markupsafe import Markup
from markupsafe import escape


def _plain(value):
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bars(points, title, fmt=_plain, width=900, height=260, color="#0b6e4f"):
    """`points` = [(label, value)]; labels thin out when there are many bars."""
    box = _Box(width, height, _nice_top(max([v for _, v in points] + [0])), max(len(points), 1))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, '
        f'WenQuanYi Micro Hei, sans-serif">',
        f'<text x="{box.left}" y="22" font-size="16" font-weight="700" fill="#1f2933">{escape(title)}</text>',
        *_grid(box, fmt),
        *_columns(box, points, fmt, color),
        "</svg>",
    ]
    return Markup("".join(parts))


class _Box:
    """The plot area of a chart: margins, size, the value at the top and the width of one bar's slot."""

    left, right, top, bottom = 56, 12, 34, 44

    def __init__(self, width, height, peak, count):
        self.width, self.height, self.peak = width, height, peak
        self.plot_w, self.plot_h = width - self.left - self.right, height - self.top - self.bottom
        self.step = self.plot_w / count


def _grid(box, fmt):
    for frac in (0, 0.5, 1):
        y = box.top + box.plot_h * (1 - frac)
        yield f'<line x1="{box.left}" x2="{box.width - box.right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9e0e6"/>'
        yield (
            f'<text x="{box.left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" fill="#61707e">'
            f"{escape(fmt(box.peak * frac))}</text>"
        )


def _columns(box, points, fmt, color):
    every = max(1, len(points) // 12)
    for i, (label, value) in enumerate(points):
        h = box.plot_h * value / box.peak if box.peak else 0
        x = box.left + i * box.step + box.step * 0.15
        yield (
            f'<rect x="{x:.1f}" y="{box.top + box.plot_h - h:.1f}" width="{box.step * 0.7:.1f}" height="{h:.1f}" '
            f'rx="2" fill="{color}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        if (len(points) - 1 - i) % every == 0:
            yield (
                f'<text x="{x + box.step * 0.35:.1f}" y="{box.height - box.bottom + 18}" font-size="12" '
                f'text-anchor="middle" fill="#61707e">{escape(label)}</text>'
            )


def _nice_top(value):
    """The smallest of 2, 4, 10, 20, 40, 50, 100 ... at or above `value`, so the half line is a whole number."""
    for k in range(0, 16):
        for m in (2, 4) if k == 0 else (1, 2, 4, 5):
            if m * 10**k >= value:
                return m * 10**k
    return value


def statistics_charts(daily, monthly):
    """The statistics page's three charts: daily accepted pieces, monthly pay (yuan) and workers served."""
    return {
        "pieces": bars([(k, f["pieces"]) for k, f in daily], "近 30 天每日合格件数"),
        "earnings": bars(
            [(k, f["earnings_fen"] / 100) for k, f in monthly],
            "近 12 个月每月工钱（元）",
            fmt=lambda v: f"{v:,.0f}" if v >= 10 else f"{v:,.2f}",
            color="#b54708",
        ),
        "workers": bars([(k, f["workers_served"]) for k, f in monthly], "近 12 个月每月服务工人数", color="#175cd3"),
    }
