"""Writing files safely: atomically, and never over a user's file without ``force``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from games.errors import InputError


def write_text_atomic(path: str | os.PathLike[str], text: str, *, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"), force=force)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; refuse to replace a file unless ``force``.

    See :func:`atomic_output`.

    Raises
    ------
    InputError
        If the file exists and ``force`` is false, or the file cannot be written.
    """
    with atomic_output(path, force=force) as temporary, open(temporary, "wb") as stream:
        stream.write(data)


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[str]:
    """A temporary file name to write ``path`` through, moved into place on success.

    The temporary file is in the same directory; when the block ends without
    an error it is flushed to disk and moved into place, so a reader never
    sees a partial file (on an error it is removed and ``path`` is untouched).
    Without ``force`` an existing file is refused, up front and again at the
    end: the final move is then a hard link, which fails if the name was taken
    in the meantime.

    Raises
    ------
    InputError
        If the file exists and ``force`` is false, or the file cannot be written.
    """
    name = os.fspath(path)
    if not force and os.path.lexists(name):
        raise InputError("the file already exists; use --force to overwrite it", source=name)
    directory = os.path.dirname(os.path.abspath(name))
    try:
        mode = os.stat(name).st_mode & 0o777 if force and os.path.exists(name) else _new_mode()
        handle, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(name)}.", suffix=".tmp", dir=directory)
        os.close(handle)
    except OSError as error:
        raise InputError(f"cannot write the file: {error.strerror or error}",
                         source=name) from error
    try:
        yield temporary
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        if force:
            os.replace(temporary, name)
        else:
            _move_no_clobber(temporary, name)
    except FileExistsError as error:
        raise InputError("the file already exists; use --force to overwrite it",
                         source=name) from error
    except OSError as error:
        raise InputError(f"cannot write the file: {error.strerror or error}",
                         source=name) from error
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _new_mode() -> int:
    """Permissions of a newly created file under the current umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return int(0o666 & ~umask)


def _move_no_clobber(temporary: str, name: str) -> None:
    """Move ``temporary`` to ``name`` unless ``name`` exists (FileExistsError then)."""
    try:
        os.link(temporary, name)  # atomic, and fails if the name was taken meanwhile
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system
        if os.path.lexists(name):
            raise FileExistsError(name) from None
        os.replace(temporary, name)
    else:
        os.unlink(temporary)
