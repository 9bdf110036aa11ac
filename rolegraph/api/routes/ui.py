"""``GET /ui``: the graph web view — a static page and its scripts, served from ``api/ui/`` without a key.

The page holds no data: it calls the JSON operations from the browser with the user's key (or none on
loopback when no keys are configured). Files are served from a fixed list of types, only from inside the
static folder, with a content security policy that allows nothing but this origin.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
STATIC = UI_DIR / "static"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@router.get("/ui")
def index_redirect() -> RedirectResponse:
    """The page lives at ``/ui/`` so that its relative links resolve inside it."""
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/")
def index() -> FileResponse:
    """The page."""
    return FileResponse(UI_DIR / "index.html", media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/ui/static/{name:path}")
def static(name: str) -> FileResponse:
    """A script, style sheet or image of the page; 404 for anything outside the folder or of another type."""
    path = (STATIC / name).resolve()
    media_type = TYPES.get(path.suffix)
    if media_type is None or not path.is_relative_to(STATIC) or not path.is_file():
        raise HTTPException(404, "no such file")
    return FileResponse(path, media_type=media_type, headers=HEADERS)
