"""Publish a councilwatch database with Datasette, read-only.

Datasette 0.65 has no write API: its pages and JSON only read, and arbitrary SQL
is SELECT-only, bounded by :data:`SQL_TIME_LIMIT_MS`. The file is opened
immutable (faster: no locking, counts cached) unless a crawl may be writing to it
(see :func:`crawl_in_progress`).

>>> datasette_args(Path("/tmp/cw.db"), host="127.0.0.1", port=8001, metadata=Path("m.json"))[4:8]
['-i', '/tmp/cw.db', '--metadata', 'm.json']
"""

from __future__ import annotations

import errno
import json
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from councilwatch.db.datasette_config import datasette_files, datasette_metadata, datasette_settings
from councilwatch.db.schema import check_database_file
from councilwatch.db.status import crawl_running

#: Datasette settings used by ``councilwatch serve`` (``db/datasette/settings.json``).
SETTINGS: dict[str, object] = datasette_settings()
SQL_TIME_LIMIT_MS = SETTINGS["sql_time_limit_ms"]


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


def crawl_in_progress(db_path: Path) -> bool:
    """True if a crawl may be writing to ``db_path``, so it must not be opened immutable.

    That is: a ``crawl_runs`` row still has status ``running`` (a crawl that
    crashed leaves one too: serving mutable is then merely slower), or the WAL
    file holds changes not yet checkpointed into the database (immutable mode
    would not see them).

    >>> crawl_in_progress(Path("/nonexistent.db"))
    False
    """
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return True
    return crawl_running(db_path)


def write_metadata(db_path: Path, folder: Path) -> Path:
    """Write councilwatch's metadata for ``db_path`` as ``folder/metadata.json``."""
    metadata_file = folder / "metadata.json"
    metadata_file.write_text(json.dumps(datasette_metadata(db_path)), encoding="utf-8")
    return metadata_file


def datasette_args(
    db_path: Path, *, host: str, port: int, metadata: Path, immutable: bool | None = None
) -> list[str]:
    """Command line that serves ``db_path`` with councilwatch's metadata (the file
    ``metadata``, see :func:`write_metadata`) and settings.

    ``immutable=None`` decides by :func:`crawl_in_progress`.
    """
    if immutable is None:
        immutable = not crawl_in_progress(db_path)
    paths = datasette_files()
    args = [sys.executable, "-m", "datasette", "serve"]
    args += ["-i", str(db_path)] if immutable else [str(db_path)]
    args += ["--metadata", str(metadata), "--host", host, "--port", str(port)]
    if paths["templates"].is_dir():
        args += ["--template-dir", str(paths["templates"])]
    if paths["plugins"].is_dir():
        args += ["--plugins-dir", str(paths["plugins"])]
    for name, value in SETTINGS.items():
        if isinstance(value, bool):
            value = "on" if value else "off"
        args += ["--setting", name, str(value)]
    return args


def serve(db_path: Path, *, host: str, port: int, immutable: bool | None = None) -> int:
    """Serve until interrupted; return Datasette's exit code.

    ``immutable=None`` (the default): immutable unless a crawl may be writing.
    """
    check_database_file(db_path)
    check_port_free(host, port)
    if immutable is None:
        immutable = not crawl_in_progress(db_path)
    mode = "immutable" if immutable else "read-only, following writes"
    print(f"Serving {db_path} ({mode}) at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    # The metadata file lives only as long as Datasette: nothing is left in the temp folder.
    with tempfile.TemporaryDirectory(prefix="councilwatch-") as folder:
        metadata = write_metadata(db_path, Path(folder))
        args = datasette_args(db_path, host=host, port=port, metadata=metadata, immutable=immutable)
        return _run_until_stopped(subprocess.Popen(args))


def _run_until_stopped(proc: subprocess.Popen) -> int:
    """Wait for Datasette, passing SIGTERM and SIGHUP on; return its exit code."""
    # Stopping `councilwatch serve` (SIGTERM, SIGHUP) stops Datasette with it.
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[signum] = signal.signal(signum, lambda num, _frame: proc.send_signal(num))
        except ValueError:  # not the main thread: leave signals alone
            pass
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches Datasette too (same process group)
        proc.wait()
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
