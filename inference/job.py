"""Guards around the files a batch job writes: checked before anything is written, locked while written.

``python -m inference`` writes ``--output`` and ``--html``, and beside the output two files of
its own: ``<output>.lock`` while it runs, and ``<output>.job.json``, the record of its inputs
that ``--resume`` checks (:mod:`inference.resume`). Before any of them is opened,
:func:`check_output_paths` refuses a path that is an input (also through a symlink or a hard
link), a directory, a non-regular file, or a place where no file can be written. Then
:class:`OutputLock` takes an exclusive lock beside each output, so that a second job on the
same output stops with a clear message instead of interleaving its lines with the first.
The lock is an ``flock`` on ``<path>.lock``: the system drops it when the process dies, even
by ``kill -9``, so a stale lock file never blocks a resume.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # Windows: lock a byte of the lock file instead
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_SUFFIX = ".lock"
JOB_SUFFIX = ".job.json"


class JobError(Exception):
    """A batch job that must not run as asked; the message says why in one line."""


def lock_path(path: Path) -> Path:
    """The lock file held while a job writes ``path``: ``<path>.lock``."""
    return path.with_name(path.name + LOCK_SUFFIX)


def job_path(output: Path) -> Path:
    """The job file beside an output, recording its inputs: ``<output>.job.json``."""
    return output.with_name(output.name + JOB_SUFFIX)


def check_output_paths(inputs: Sequence[str], outputs: Mapping[str, Path | None]) -> None:
    """Check every file a job will write, before any is opened.

    Args:
        inputs: Input paths as given (``-`` is standard input).
        outputs: Each output option and its path (``{"--output": ..., "--html": ...}``);
            ``None`` when the option is not given. ``--output`` also brings its lock file
            and job file, ``--html`` its lock file.

    Raises:
        JobError: If a file to write is an input or another file to write (compared after
            resolving symlinks, and by inode when both exist), is a directory or not a regular
            file, is not writable, or cannot be created.
    """
    written: dict[Path, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        written[Path(path)] = f"{option} {path}"
        written[lock_path(Path(path))] = f"the lock file of {option} ({lock_path(Path(path))})"
        if option == "--output":
            written[job_path(Path(path))] = f"the job file of {option} ({job_path(Path(path))})"
    for path, role in written.items():
        _check_writable(path, role)
    checked: list[tuple[Path, str]] = []
    for path, role in written.items():
        for other, other_role in checked:
            if _same_file(path, other):
                raise JobError(f"{role} and {other_role} are the same file")
        checked.append((path, role))
    for name in inputs:
        if name == "-":
            continue
        for path, role in written.items():
            if _same_file(Path(name), path):
                raise JobError(f"{role} is the input {name}; refusing to overwrite an input")


def _same_file(first: Path, second: Path) -> bool:
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet)
        return False


def _check_writable(path: Path, role: str) -> None:
    if path.is_dir():
        raise JobError(f"{role} is a directory")
    if path.exists():
        if not path.is_file():
            raise JobError(f"{role} is not a regular file")
        if not os.access(path, os.W_OK):
            raise JobError(f"{role} is not writable")
    check_creatable(path.absolute().parent, role)


def check_creatable(folder: Path, role: str) -> Path:
    """Refuse a folder that cannot be created (or written, if it exists).

    Args:
        folder: The folder, existing or not.
        role: How the error names it (e.g. ``--output x.jsonl``).

    Returns:
        The nearest existing folder: ``folder`` itself or its closest existing parent.

    Raises:
        JobError: If that nearest existing path is not a folder, or is not writable.
    """
    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise JobError(f"{role} cannot be created: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise JobError(f"{role} cannot be created: {existing} is not writable")
    return existing


class OutputLock:
    """An exclusive lock beside an output file, held while a job writes it.

    Use as a context manager. The lock file holds the process id of its holder, and is
    removed when the lock is released.

    Args:
        path: The output file to lock (the lock is ``<path>.lock``).
    """

    def __init__(self, path: Path):
        self.target = Path(path)
        self.path = lock_path(self.target)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or fail at once if another process holds it.

        Raises:
            JobError: If another job holds the lock (its process id is named when known), or
                the lock file cannot be opened.
        """
        while self._fd is None:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise JobError(f"cannot create the lock file {self.path} ({error.strerror})") from None
            try:
                if not _try_lock(fd):
                    raise JobError(
                        f"{self.target} is being written by another job{_holder(fd)} (lock file {self.path}); "
                        "wait for it to finish, or choose another output"
                    )
            except BaseException:
                os.close(fd)
                raise
            if _is_current(fd, self.path):
                self._fd = fd
            else:  # the holder released and removed the file between our open and our lock: retry
                os.close(fd)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        """Remove the lock file and drop the lock (removing first, so no one locks a removed file)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is not None:
            self.path.unlink(missing_ok=True)
            os.close(fd)
        else:
            os.close(fd)
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        raise JobError(f"cannot lock ({error.strerror})") from None
    return True


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, AttributeError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def _is_current(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file at ``path`` (a released lock file is removed)."""
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (on_disk.st_dev, on_disk.st_ino)
