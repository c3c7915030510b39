"""Security headers (ASVS V14) applied to every response."""
from __future__ import annotations

from flask import Flask, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def init_app(app: Flask) -> None:
    @app.after_request
    def headers(response):
        """Each header unless the response set its own. The names present are read once:
        Werkzeug's `setdefault` walks the header list for each of them (~200 Python calls a
        response, 2% of a page; bench/RESULTS.md section 12)."""
        h = response.headers
        present = {name.lower() for name in h.keys()}
        wanted = HEADERS + (HSTS,) if app.config.get("HSTS") else HEADERS
        for name, value in wanted:
            if name.lower() not in present:
                h.add(name, value)
        if request.headers.get("HX-Request") is not None or response.vary:
            response.vary.add("HX-Request")
        # Pages behind sign-in must not be cached by shared or browser caches.
        if (request.endpoint and not request.endpoint.startswith(("static", "public."))
                and "cache-control" not in present):
            h.add("Cache-Control", "no-store")
        return response
