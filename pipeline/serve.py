"""Publish a councilwatch database with Datasette, read-only."""

from __future__ import annotations

import errno
import json
import socket
import subprocess
import sys
import tempfile
from importlib.resources import files
from pathlib import Path

import yaml
from councilwatch.db.schema import check_database_file

SQL_TIME_LIMIT_MS = 3000


class PortInUse(Exception):
    pass


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`PortInUse` if nothing can listen on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {port} on {host} is already in use") from exc
            raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def datasette_files() -> dict[str, Path]:
    """The metadata, templates and plugins folders shipped in ``db/``."""
    root = Path(str(files("councilwatch.db")))
    return {
        "metadata": root / "metadata.yml",
        "templates": root / "templates",
        "plugins": root / "plugins",
    }


def datasette_metadata(db_path: Path) -> dict:
    """councilwatch's Datasette metadata, keyed by the database's name (its file stem)."""
    metadata = yaml.safe_load(datasette_files()["metadata"].read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if "councilwatch" in databases:
        databases[Path(db_path).stem] = databases.pop("councilwatch")
    return metadata


def datasette_args(db_path: Path, *, host: str, port: int, immutable: bool = False) -> list[str]:
    """Command line that serves ``db_path`` with councilwatch's metadata."""
    paths = datasette_files()
    args = [sys.executable, "-m", "datasette", "serve"]
    args += ["-i", str(db_path)] if immutable else [str(db_path)]
    metadata_file = Path(tempfile.mkdtemp(prefix="councilwatch-")) / "metadata.json"
    metadata_file.write_text(json.dumps(datasette_metadata(db_path)), encoding="utf-8")
    args += ["--metadata", str(metadata_file), "--host", host, "--port", str(port)]
    if paths["templates"].is_dir():
        args += ["--template-dir", str(paths["templates"])]
    if paths["plugins"].is_dir():
        args += ["--plugins-dir", str(paths["plugins"])]
    args += ["--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS)]
    args += ["--setting", "default_page_size", "50"]
    args += ["--setting", "allow_download", "on"]
    return args


def serve(db_path: Path, *, host: str, port: int, immutable: bool = False) -> int:
    """Serve until interrupted; return Datasette's exit code."""
    check_database_file(db_path)
    check_port_free(host, port)
    print(f"Serving {db_path} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        return subprocess.call(datasette_args(db_path, host=host, port=port, immutable=immutable))
    except KeyboardInterrupt:
        return 0
