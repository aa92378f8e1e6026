"""Shards, part files and the manifest of a distributed batch job, without Ray.

``python -m inference.distributed`` (:mod:`inference.distributed`) cuts its ``.jsonl`` inputs
into shards of a fixed number of lines, labels each shard on a worker, and writes each shard's
records to one part file of its output folder. The folder holds:

* ``manifest.jsonl``: a header line naming the job (the model's fingerprint, every input with
  its size and SHA-256, the shard size), then one line per shard done: its part file, how many
  records it holds and the bad records it reported.
* ``part-IIIII-CCCCCC.jsonl``: the records of chunk ``C`` of input ``I``, in the record schema of
  ``python -m inference`` (:func:`inference.batch.article_record`).

A shard counts as done only once its manifest line is complete, and that line is written last:
the part goes to a temporary name, is fsynced, renamed over its final name (atomic), the folder
is fsynced, and only then is the manifest line appended and fsynced. A part's name is fixed by
its shard, so a shard redone after a kill replaces its part rather than adding a second one, and
a part the manifest does not list (the job died between the rename and the append) is removed
before the next run starts. So after any kill, a rerun ends with every record exactly once.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .batch import JSONL_SUFFIX, Article, BadRecord, annotate, read_jsonl_lines
from .classifier import Classifier
from .job import JobError

MANIFEST = "manifest.jsonl"
MANIFEST_FORMAT = "python -m inference.distributed manifest/1"
_PART = re.compile(r"part-\d{5}-\d{6}\.jsonl")
_GLOB_CHARACTERS = frozenset("*?[")
_NOT_OURS = "not a manifest written by python -m inference.distributed; choose another --output"


@dataclass(frozen=True)
class InputFile:
    """One input file of the job, as the manifest records it.

    Attributes:
        name: The path as given, or as found in a given folder or glob; records' ``source`` names it.
        path: The resolved path.
        size: Its size in bytes.
        sha256: The SHA-256 of its bytes: a rerun on a changed file is refused.
    """

    name: str
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Shard:
    """A run of whole lines of one input file, labeled by one worker call and written to one part file.

    Attributes:
        key: ``IIIII-CCCCCC``: input number and chunk number; names the part file.
        name: The input as records name it.
        path: The resolved input path (workers read it: on a cluster, a path they all see).
        start: Byte offset of the shard's first line.
        end: Byte offset just past its last line.
        first_line: Line number of its first line in the file (from 1).
    """

    key: str
    name: str
    path: str
    start: int
    end: int
    first_line: int

    @property
    def part(self) -> str:
        """The name of the shard's part file."""
        return f"part-{self.key}.jsonl"


@dataclass
class ShardResult:
    r"""What a worker made of one shard.

    Attributes:
        key: The shard's key.
        text: Its records as JSON lines, each ending in ``\n``.
        articles: ``(id, source)`` of each record of ``text``, in order.
        errors: One ``"where: why"`` line per bad record (as :func:`inference.batch.annotate` reports them).
    """

    key: str
    text: str
    articles: list[tuple[str, str]]
    errors: list[str]


@dataclass(frozen=True)
class JobHeader:
    """What a job's output came from: the first line of its manifest.

    Attributes:
        model: The resolved model folder (shown in messages; moving the folder is no change).
        model_sha256: Fingerprint of the model's weights, config and settings (:func:`model_fingerprint`).
        shard_lines: Lines per shard.
        inputs: Every input file, in order.
    """

    model: str
    model_sha256: str
    shard_lines: int
    inputs: tuple[InputFile, ...]

    def to_json(self) -> dict[str, Any]:
        """The header line's JSON object."""
        return {"format": MANIFEST_FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, record: Any) -> JobHeader:
        """The header of a manifest line.

        Raises:
            ValueError: If the line is not a header of this format.
        """
        if not isinstance(record, dict) or record.get("format") != MANIFEST_FORMAT:
            raise ValueError("its first line is not a manifest header")
        try:
            inputs = tuple(InputFile(**entry) for entry in record["inputs"])
            return cls(str(record["model"]), str(record["model_sha256"]), int(record["shard_lines"]), inputs)
        except (KeyError, TypeError) as error:
            raise ValueError(f"malformed header ({error})") from None

    def differences(self, current: JobHeader) -> list[str]:
        """How the job about to run differs from the one that wrote this header."""
        found = []
        if self.model_sha256 != current.model_sha256:
            found.append(f"it was written with the model {self.model}, this job uses {current.model}")
        if self.inputs != current.inputs:
            earlier = {(f.name, f.path, f.sha256) for f in self.inputs}
            now = {(f.name, f.path, f.sha256) for f in current.inputs}
            changed = [f.name for f in current.inputs if (f.name, f.path, f.sha256) not in earlier]
            gone = [f.name for f in self.inputs if (f.name, f.path, f.sha256) not in now]
            parts = [f"new or changed: {_some(changed)}"] if changed else []
            parts += [f"not given now: {_some(gone)}"] if gone else []
            found.append(f"it was written from other inputs ({'; '.join(parts) or 'in another order'})")
        if self.shard_lines != current.shard_lines:
            found.append(f"it was cut into shards of {self.shard_lines} lines, this job asks for {current.shard_lines}")
        return found


def _some(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


@dataclass
class ShardEntry:
    """One shard done, as its manifest line records it."""

    key: str
    part: str
    records: int
    errors: list[str] = field(default_factory=list)


@dataclass
class ManifestState:
    """A manifest as read, before the job changes anything.

    Attributes:
        header: The header, or ``None`` if the folder has no manifest yet.
        done: The shards done, by key.
        complete_bytes: Length of the manifest's complete lines.
        torn_bytes: Length of a torn last line (a kill during an append), 0 if none.
    """

    header: JobHeader | None = None
    done: dict[str, ShardEntry] = field(default_factory=dict)
    complete_bytes: int = 0
    torn_bytes: int = 0


def expand_inputs(names: Sequence[str]) -> list[tuple[str, Path]]:
    """The input files a job reads: each ``.jsonl`` file, folder of them, or glob.

    Args:
        names: Input arguments: files, folders (their ``.jsonl`` files, not recursive) or globs.

    Returns:
        ``(name, path)`` per file, in the order given (folders and globs sorted by name).

    Raises:
        JobError: If an input matches nothing, is not a ``.jsonl`` file, or is given twice.
    """
    found: list[tuple[str, Path]] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            matches = sorted(str(path / child.name) for child in path.iterdir() if _is_jsonl(child))
            if not matches:
                raise JobError(f"input folder {name} holds no {JSONL_SUFFIX} file")
        elif path.exists():
            matches = [name]
        elif _GLOB_CHARACTERS & set(name):
            matches = sorted(match for match in glob.glob(name) if Path(match).is_file())
            if not matches:
                raise JobError(f"input {name}: no file matches")
        else:
            raise JobError(f"input {name}: no such file or folder")
        for match in matches:
            if not _is_jsonl(Path(match)):
                raise JobError(f"input {match}: not a {JSONL_SUFFIX} file (one {{\"id\", \"text\"}} record per line)")
            found.append((match, Path(match)))
    first: dict[str, str] = {}
    for name, path in found:
        resolved = os.path.realpath(path)
        if resolved in first:
            raise JobError(f"input {name} is given twice (also as {first[resolved]})")
        first[resolved] = name
    return found


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() == JSONL_SUFFIX and path.is_file()


def index_inputs(files: Sequence[tuple[str, Path]], shard_lines: int) -> tuple[list[InputFile], list[Shard]]:
    r"""Read every input once: its fingerprint, and where each shard of ``shard_lines`` lines starts.

    Lines are split at ``\n`` only, as :func:`inference.batch.read_articles` splits them.

    Raises:
        JobError: If an input cannot be read.
    """
    inputs, shards = [], []
    for number, (name, path) in enumerate(files):
        digest = hashlib.sha256()
        starts: list[tuple[int, int]] = []
        position = lines = 0
        try:
            with path.open("rb") as handle:
                for line in handle:
                    if lines % shard_lines == 0:
                        starts.append((position, lines + 1))
                    digest.update(line)
                    position += len(line)
                    lines += 1
        except OSError as error:
            raise JobError(f"input {name}: cannot read ({error.strerror or error})") from None
        resolved = os.path.realpath(path)
        inputs.append(InputFile(name, resolved, position, digest.hexdigest()))
        ends = [start for start, _ in starts[1:]] + [position]
        shards.extend(
            Shard(f"{number:05d}-{chunk:06d}", name, resolved, start, end, first_line)
            for chunk, ((start, first_line), end) in enumerate(zip(starts, ends))
        )
    return inputs, shards


def model_fingerprint(folder: Path) -> str:
    """SHA-256 over a model folder's weights, ``config.json``, settings and tokenizer files."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in (".safetensors", ".json"):
            digest.update(path.name.encode() + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def read_shard(shard: Shard) -> Iterator[Article | BadRecord]:
    """The records of one shard, numbered by their line in the whole file.

    Raises:
        JobError: If the file is shorter than when it was indexed (it changed while the job ran).
    """
    with open(shard.path, "rb") as handle:
        handle.seek(shard.start)
        data = handle.read(shard.end - shard.start)
    if len(data) != shard.end - shard.start:
        raise JobError(f"input {shard.name} changed while the job ran (shard {shard.key} is cut short)")
    return read_jsonl_lines(io.BytesIO(data), shard.name, shard.first_line)


def annotate_shard(classifier: Classifier, shard: Shard) -> ShardResult:
    """Label one shard with :func:`inference.batch.annotate`: the records it writes and the bad records it reports."""
    sink = io.StringIO()
    articles: list[tuple[str, str]] = []
    summary = annotate(
        classifier, read_shard(shard), sink, on_article=lambda article, _: articles.append((article.id, article.source))
    )
    return ShardResult(shard.key, sink.getvalue(), articles, summary.errors)


def read_manifest(folder: Path) -> ManifestState:
    """Read an output folder's manifest without changing anything.

    Raises:
        JobError: If a complete line is not a line of a manifest (named by file and line), or
            the folder holds part files but no manifest.
    """
    path = folder / MANIFEST
    state = ManifestState()
    if not path.exists():
        strays = [child.name for child in folder.iterdir() if _PART.fullmatch(child.name)] if folder.is_dir() else []
        if strays:
            raise JobError(f"{folder} holds part files ({_some(sorted(strays))}) but no {MANIFEST}; {_NOT_OURS}")
        return state
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.endswith(b"\n"):
                state.torn_bytes = len(line)
                break
            try:
                record = json.loads(line.decode("utf-8"))
                if number == 1:
                    state.header = JobHeader.from_json(record)
                else:
                    entry = ShardEntry(**record)
                    if not _PART.fullmatch(entry.part):
                        raise ValueError(f"bad part name {entry.part!r}")
                    state.done[entry.key] = entry
            except (ValueError, TypeError) as error:
                raise JobError(f"{path}:{number}: {error}; {_NOT_OURS}") from None
            state.complete_bytes += len(line)
    if state.header is None and state.torn_bytes:  # killed while writing the header: nothing was done yet
        state.torn_bytes = state.complete_bytes = 0
    return state


def check_manifest(folder: Path, state: ManifestState, header: JobHeader) -> None:
    """Refuse to add to a folder whose manifest comes from another job.

    Raises:
        JobError: If the manifest's model, inputs or shard size differ from ``header``'s.
    """
    if state.header is None:
        return
    differences = state.header.differences(header)
    if differences:
        raise JobError(
            f"{folder / MANIFEST} belongs to another job: {'; '.join(differences)}. Nothing was written; "
            "choose another --output, or delete that folder to start over"
        )


def prepare_folder(folder: Path, state: ManifestState, header: JobHeader) -> None:
    """Make the folder ready to add shards (under the job's lock, after :func:`check_manifest`).

    Writes the header of a new manifest, cuts a torn last line, removes temporary files and
    parts the manifest does not list (a job killed before recording them), and checks that
    every part it lists is there.

    Raises:
        JobError: If a part the manifest lists is missing.
    """
    path = folder / MANIFEST
    if state.header is None:
        _write_synced(path, (json.dumps(header.to_json(), ensure_ascii=False) + "\n").encode())
        state.header, state.complete_bytes = header, path.stat().st_size
    elif state.torn_bytes:
        with path.open("r+b") as handle:
            handle.truncate(state.complete_bytes)
            os.fsync(handle.fileno())
        state.torn_bytes = 0
    listed = {entry.part for entry in state.done.values()}
    for child in folder.iterdir():
        if (_PART.fullmatch(child.name) and child.name not in listed) or (
            child.name.startswith(".part-") and child.name.endswith(".tmp")
        ):
            child.unlink()
    missing = sorted(part for part in listed if not (folder / part).is_file())
    if missing:
        raise JobError(f"{path} lists part files that are gone ({_some(missing)}); delete {folder} to start over")


def write_part(folder: Path, shard: Shard, text: str) -> None:
    """Write a shard's part file atomically: a temporary file, fsynced, renamed over the final name."""
    temporary = folder / f".{shard.part}.tmp"
    _write_synced(temporary, text.encode("utf-8"))
    os.replace(temporary, folder / shard.part)
    _sync_folder(folder)


def record_shard(folder: Path, entry: ShardEntry) -> None:
    """Append a shard's line to the manifest (one write, fsynced): from now on the shard is done."""
    line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
    with (folder / MANIFEST).open("ab") as handle:
        handle.write(line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def read_done_ids(folder: Path, state: ManifestState) -> dict[str, str]:
    """The id and source of every record in the parts already done, to catch ids that come again.

    Raises:
        JobError: If a part's line is not a record (file and line named).
    """
    seen: dict[str, str] = {}
    for entry in sorted(state.done.values(), key=lambda entry: entry.key):
        path = folder / entry.part
        for number, line in enumerate(path.read_bytes().split(b"\n")[:-1], start=1):
            try:
                record = json.loads(line.decode("utf-8"))
                seen[str(record["id"])] = str(record["source"])
            except (ValueError, KeyError, TypeError):
                raise JobError(f"{path}:{number}: not a record of python -m inference; delete {folder} "
                               "to start over") from None
    return seen


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not possible on every system; skipped where not)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
