"""Serve the app behind nginx: nginx answers the static files, Streamlit the sessions.

A new browser loads about 110 static files (Streamlit's frontend, the map component,
Leaflet). Streamlit serves them from Python at ≈ 1.3 ms CPU each, as much again as the
session's own first page; nginx keeps them in its cache after the first browser
(``deploy/nginx.conf.in``). ``python -m deploy.proxy --port 8501`` (``make serve``) starts
Streamlit on a free local port and nginx on ``--port`` in front of it, and stops both
when either ends or on Ctrl+C. For a system nginx, render the configuration with
``--print-config`` and adapt its paths.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.in")
NGINX = "/usr/sbin/nginx"
#: How long nginx serves the app's unhashed static files before asking Streamlit again.
REVALIDATE = "10m"
_TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


def render_config(listen: str, upstream_port: int, run_dir: Path, user: str | None = None) -> str:
    """The nginx configuration for one proxy.

    Parameters
    ----------
    listen : str
        nginx's ``listen`` address, e.g. ``"127.0.0.1:8501"`` or ``"8501"``.
    upstream_port : int
        Port of the Streamlit server on 127.0.0.1.
    run_dir : Path
        Folder for nginx's pid, log, temporary files and cache (absolute).
    user : str, optional
        Worker user and group when nginx is started as root (workers must write
        ``run_dir``), e.g. ``"nobody nogroup"``.

    Returns
    -------
    str
        The configuration text.

    Raises
    ------
    ValueError
        If a value would break the configuration.
    """
    if not run_dir.is_absolute() or any(c in str(run_dir) for c in " ;{}'\"\n"):
        raise ValueError(
            f"Ungültiger Ordner für nginx: {run_dir} (absoluter Pfad ohne Leerzeichen)"
        )
    if not 0 < upstream_port < 65536:
        raise ValueError(f"Ungültiger Port {upstream_port}: erlaubt sind 1–65535")
    if not listen or any(c in listen for c in " ;{}'\"\n"):
        raise ValueError(f"Ungültige listen-Adresse {listen!r}: z. B. 127.0.0.1:8501")
    values = {
        "@USER@": f"user {user};" if user else "",
        "@RUN@": str(run_dir),
        "@LISTEN@": listen,
        "@UPSTREAM_PORT@": str(upstream_port),
        "@REVALIDATE@": REVALIDATE,
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def prepare_run_dir(run_dir: Path) -> str | None:
    """Create nginx's folders; the worker user when running as root (else ``None``).

    nginx started as root runs its workers as an unprivileged user, which must be able to
    write the cache and temporary folders.
    """
    for name in ("cache", *(f"tmp/{d}" for d in _TEMP_DIRS)):
        (run_dir / name).mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("nobody")
    for path in [run_dir, run_dir / "cache", run_dir / "tmp", *(run_dir / "tmp").iterdir()]:
        os.chown(path, user.pw_uid, user.pw_gid)
    return f"{user.pw_name} {grp.getgrgid(user.pw_gid).gr_name}"


def start_nginx(listen: str, upstream_port: int, run_dir: Path) -> subprocess.Popen:
    """Write the configuration into ``run_dir`` and start nginx in the foreground."""
    if not Path(NGINX).is_file():
        raise ValueError(f"{NGINX} fehlt: apt-get install nginx-light")
    user = prepare_run_dir(run_dir)
    config = run_dir / "nginx.conf"
    config.write_text(render_config(listen, upstream_port, run_dir, user), encoding="utf-8")
    command = [NGINX, "-p", str(run_dir), "-c", str(config), "-e", str(run_dir / "error.log")]
    check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if check.returncode != 0:
        raise ValueError(f"nginx-Konfiguration ungültig: {check.stderr.strip()}")
    return subprocess.Popen([*command, "-g", "daemon off;"])


@contextlib.contextmanager
def nginx_in_front(listen: str, upstream_port: int) -> Iterator[subprocess.Popen]:
    """Start nginx with a fresh cache in a private temporary folder; stop and remove it after."""
    # Directly under the system's temporary folder: nginx's workers (another user when
    # started as root) must reach the folder.
    run_dir = Path(tempfile.mkdtemp(prefix="begegnungsatlas-nginx-"))
    try:
        proc = start_nginx(listen, upstream_port, run_dir)
        try:
            yield proc
        finally:
            stop(proc)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def stop(proc: subprocess.Popen) -> None:
    """Stop a server process (politely, then by force after 20 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, procs: list[subprocess.Popen], seconds: float = 120) -> None:
    """Until ``url`` answers Streamlit's health check through every process in ``procs``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("Ein Server ist beim Start beendet worden.")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.3)
    raise RuntimeError(f"{url} antwortet nach {seconds:.0f} s nicht.")


def serve(port: int, address: str, streamlit_args: list[str]) -> int:
    """Start Streamlit and nginx; return when either ends (or on Ctrl+C / SIGTERM)."""
    upstream = free_port()
    streamlit = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(upstream),
            "--server.fileWatcherType", "none", *streamlit_args,
        ],
        cwd=ROOT,
    )  # fmt: skip
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with nginx_in_front(f"{address}:{port}", upstream) as nginx:
            wait_healthy(f"http://{address}:{port}", [streamlit, nginx])
            print(f"Begegnungsatlas: http://{address}:{port} (nginx vor Streamlit)", flush=True)
            while streamlit.poll() is None and nginx.poll() is None:
                time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(streamlit)


def main(argv: list[str] | None = None) -> int:
    """``python -m deploy.proxy``: serve, or print the configuration; other options go to Streamlit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument(
        "--print-config", action="store_true", help="only print the nginx configuration"
    )
    args, rest = parser.parse_known_args(argv)
    if args.print_config:
        print(render_config(f"{args.address}:{args.port}", 8502, Path("/var/lib/begegnungsatlas")))
        return 0
    return serve(args.port, args.address, rest)


if __name__ == "__main__":
    sys.exit(main())
