"""The bare FastAPI app that bench/api_load.py measures beside the service: one constant JSON answer."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, object]:
    """A constant JSON object."""
    return {"ok": True, "items": [1, 2, 3]}
