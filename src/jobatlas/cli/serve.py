"""``jobatlas serve``: run the web app (``jobatlas.serve``) on a store, read-only."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer

from jobatlas.cli.app import app, stderr
from jobatlas.config import DB_ENV, db_path
from jobatlas.errors import MissingDependency, StoreError

DB = typer.Option(None, "--db", envvar=DB_ENV, help="Store file [default: ./jobatlas.duckdb].")
HOST = typer.Option(
    "127.0.0.1",
    "--host",
    help="Address to listen on; beyond localhost, anyone who reaches it can read the store.",
)
PORT = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on.")


@app.command()
def serve(db: Path | None = DB, host: str = HOST, port: int = PORT) -> None:
    """Serve the ranking, the postings and the normalisers over HTTP (read-only)."""
    try:
        import uvicorn

        from jobatlas.serve.app import create_app
    except ImportError as exc:
        raise MissingDependency(exc.name or "fastapi", "serve") from exc
    path = db_path(db)
    if not path.exists():
        raise StoreError(
            f"{path}: no store here", hint="run `jobatlas run` (or ingest and normalize) first"
        )
    where = "only this machine can connect" if _is_local(host) else "reachable from the network"
    stderr().print(
        f"serving {path} read-only on http://{host}:{port}/ ({where}); API docs at /docs"
    )
    uvicorn.run(create_app(path), host=host, port=port, log_level="warning")


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
