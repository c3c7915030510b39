"""Layout checks for browser tests: no sideways scrolling at the widths users have, text
contrast, elements kept on one line. Use with the fixtures of tests/support/browser.py.

    for width in WIDTHS:
        assert sideways_overflow(page, width) == [], width
"""
from __future__ import annotations

WIDTHS = (375, 1280)  # a phone and a laptop, in CSS pixels


def sideways_overflow(page, width: int, height: int = 900) -> list[str]:
    """At this window width: [] when the page does not scroll sideways, else the widest
    elements that stick out on the right (tag#id.class, how far)."""
    page.set_viewport_size({"width": width, "height": height})
    return page.evaluate("""() => {
        const limit = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= limit) return [];
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > limit + 1 && r.width > 0) {
                let inScroller = false;
                for (let p = el.parentElement; p; p = p.parentElement) {
                    const s = getComputedStyle(p).overflowX;
                    if (s === 'auto' || s === 'scroll' || s === 'hidden') { inScroller = true; break; }
                }
                if (!inScroller) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                    + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '')
                    + ' +' + Math.round(r.right - limit) + 'px');
            }
        }
        return out.slice(0, 8).concat(out.length ? [] : ['scrollWidth ' + document.documentElement.scrollWidth]);
    }""")


def contrast_ratio(page, selector: str) -> float:
    """The WCAG contrast ratio of the element's text colour against its first opaque
    background (its own or an ancestor's)."""
    return page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        const parse = c => c.match(/[\\d.]+/g).map(Number);
        const lum = ([r, g, b]) => {
            const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        let bg = null;
        for (let n = el; n; n = n.parentElement) {
            const c = parse(getComputedStyle(n).backgroundColor);
            if (c.length < 4 || c[3] > 0) { bg = c; break; }
        }
        bg = bg || [255, 255, 255];
        const fg = parse(getComputedStyle(el).color);
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
    }""", selector)


def lines_of(page, selector: str) -> int:
    """How many lines of text the element's content takes (1 when it does not wrap)."""
    return page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                .map(r => Math.round(r.top)));
        return tops.size;
    }""", selector)
