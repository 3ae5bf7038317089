"""``tiedhands classroom``: serve the interactive tied-hands demonstration on 127.0.0.1.

Runs ``marimo run`` on :mod:`analysis.classroom_app` (the ``classroom``
extra), listening on 127.0.0.1 only, without a token (nothing leaves the
machine), never in a uv sandbox, and without marimo's update check.  Ctrl-C
or SIGTERM stops the server.  Without marimo, another --host than 127.0.0.1,
or a port in use: one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_common import fail
from games.errors import InputError

DEFAULT_PORT = 2718
HOST = "127.0.0.1"
_HOST_ALIASES = ("127.0.0.1", "localhost")


def marimo_available() -> bool:
    """Whether marimo (the ``classroom`` extra) can be imported."""
    return importlib.util.find_spec("marimo") is not None


def port_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:``port`` yet."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def app_path() -> Path:
    """The marimo notebook file shipped in the package."""
    return Path(str(resources.files("analysis").joinpath("classroom_app.py")))


def marimo_command(port: int, open_browser: bool = True) -> list[str]:
    """The ``marimo run`` command line that serves the app on 127.0.0.1:``port``."""
    command = [sys.executable, "-m", "marimo", "run", str(app_path()), "--host", HOST,
               "--port", str(port), "--no-token", "--no-sandbox"]
    return command if open_browser else [*command, "--headless"]


def classroom_command(
    port: Annotated[int, typer.Option(
        min=1, max=65535, help="The port to serve on.")] = DEFAULT_PORT,
    host: Annotated[str, typer.Option(
        help="The address to listen on: 127.0.0.1 only (the app is for this machine).")
    ] = HOST,
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help="Do not open a web browser; just serve.")] = False,
) -> None:
    """Serve the interactive tied-hands demonstration (a marimo app) on 127.0.0.1.

    Exit code 0 when stopped with Ctrl-C, 2 on bad input, 1 if marimo fails.

    Pick a treaty and a crisis, move a, δ, c_A, p_I and p_S, and watch the
    game tree, the threshold a*, the verdict and deterrence change; a second
    tab shows the signalling game's (a, δ) regions. Needs marimo, the classroom
    extra of tiedhands. Stop it with Ctrl-C.
    """
    try:
        if host not in _HOST_ALIASES:
            raise InputError(f"will not listen on {host!r}", field="--host",
                             expected="127.0.0.1 (the classroom app serves this machine only)")
        if not marimo_available():
            raise InputError("marimo is not installed", field="classroom",
                             expected="the classroom extra: pip install 'tiedhands[classroom]'")
        if not port_free(port):
            raise InputError(f"port {port} on {HOST} is in use", field="--port",
                             expected="a free port, e.g. --port "
                                      f"{port + 1 if port < 65535 else DEFAULT_PORT}")
    except InputError as error:
        raise fail(error) from None
    sys.stderr.write(f"tiedhands classroom: serving http://{HOST}:{port}/ (Ctrl-C stops it)\n")
    environment = {**os.environ, "MARIMO_SKIP_UPDATE_CHECK": "1"}
    server = subprocess.Popen(marimo_command(port, not no_browser), env=environment,
                              stdin=subprocess.DEVNULL)
    try:
        code = server.wait()
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (see analysis.cli.main)
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        code = 0
    if code != 0:
        sys.stderr.write(f"tiedhands classroom: marimo stopped with exit code {code}\n")
        code = 1
    raise typer.Exit(code)
