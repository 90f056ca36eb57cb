"""Publish a councilwatch database with Datasette, read-only.

Datasette 0.65 has no write API: its pages and JSON only read, and arbitrary SQL
is SELECT-only, bounded by :data:`SQL_TIME_LIMIT_MS`. The file is opened
read-only (``mode=ro``), so every page sees what a crawl, ``process`` or ``load``
writes meanwhile. Opened immutable (``immutable=True``, ``--immutable``) it would
break for good at the first such write ("database disk image is malformed"): only
for a file nothing will write to again (``bench/datasette_bench.py`` times both).

>>> datasette_args(Path("/tmp/cw.db"), host="127.0.0.1", port=8001, metadata=Path("m.json"))[4:7]
['/tmp/cw.db', '--metadata', 'm.json']
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


def write_metadata(db_path: Path, folder: Path) -> Path:
    """Write councilwatch's metadata for ``db_path`` as ``folder/metadata.json``."""
    metadata_file = folder / "metadata.json"
    metadata_file.write_text(json.dumps(datasette_metadata(db_path)), encoding="utf-8")
    return metadata_file


def datasette_args(
    db_path: Path, *, host: str, port: int, metadata: Path, immutable: bool = False
) -> list[str]:
    """Command line that serves ``db_path`` (read-only, or immutable) with councilwatch's
    metadata (the file ``metadata``, see :func:`write_metadata`) and settings."""
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


def serve(db_path: Path, *, host: str, port: int, immutable: bool = False) -> int:
    """Serve until interrupted; return Datasette's exit code.

    Read-only by default, following other processes' writes; ``immutable`` only for a
    file nothing writes to any more.
    """
    check_database_file(db_path)
    check_port_free(host, port)
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
