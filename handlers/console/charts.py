"""Bar charts as inline SVG, drawn by the service (no script, no CDN): one bar per period with its value."""

from markupsafe import Markup
from markupsafe import escape


def _plain(value):
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bars(points, title, fmt=_plain, width=900, height=260, color="#0b6e4f"):
    """`points` = [(label, value)]; labels thin out when there are many bars."""
    left, right, top, bottom = 56, 12, 34, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_top(max([v for _, v in points] + [0]))
    step = plot_w / max(len(points), 1)
    every = max(1, len(points) // 12)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, '
        f'WenQuanYi Micro Hei, sans-serif">',
        f'<text x="{left}" y="22" font-size="16" font-weight="700" fill="#1f2933">{escape(title)}</text>',
    ]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9e0e6"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" fill="#61707e">'
            f"{escape(fmt(peak * frac))}</text>"
        )
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak if peak else 0
        x = left + i * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'rx="2" fill="{color}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        if (len(points) - 1 - i) % every == 0:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 18}" font-size="12" '
                f'text-anchor="middle" fill="#61707e">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _nice_top(value):
    """The smallest of 2, 4, 10, 20, 40, 50, 100 ... at or above `value`, so the half line is a whole number."""
    for k in range(0, 16):
        for m in (2, 4) if k == 0 else (1, 2, 4, 5):
            if m * 10**k >= value:
                return m * 10**k
    return value
