r"""What ``--resume`` reads, trusting none of it: the earlier output and the job file beside it.

* The output must be this command's JSONL: every complete line a JSON object with a string
  ``id``, a string ``source``, ``counts`` and ``sentences``. Anything else is refused before the
  file is touched, with the line that is wrong.
* Lines are split at ``\n`` only, as JSON writes them: ids holding U+2028, U+2029 or U+0085
  round-trip.
* Only a torn last line is ever removed: one without a ``\n`` at its end that begins as a
  record of this command does. A job killed in the middle of a write leaves such a line.
* ``<output>.job.json`` records the inputs (as given and as resolved) and the model of the job
  that wrote the output. A resume whose inputs leave out some earlier input, or that uses
  another model, would mix records from elsewhere into the output: it is refused unless
  forced. So is an output with records but no job file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .job import JobError, job_path
from .labels import LABELS

JOB_FORMAT = "python -m inference job/1"
_RECORD_START = b'{"id": '
"""How every line this command writes begins (``json.dumps`` of a dict whose first key is ``id``)."""
_NOT_OURS = "not an output of python -m inference, so --resume leaves the file as it is and stops"


@dataclass
class PriorOutput:
    """The complete records of an earlier run's output, read without changing the file.

    Attributes:
        path: The output file.
        ids: The ids of its complete records.
        complete_bytes: Length of its complete lines, in bytes.
        torn_bytes: Length of the torn last line after them (0 if none).
    """

    path: Path
    ids: set[str]
    complete_bytes: int = 0
    torn_bytes: int = 0

    def cut_torn_line(self) -> None:
        """Remove the torn last line, the only change ``--resume`` ever makes to the earlier output."""
        if self.torn_bytes:
            with self.path.open("r+b") as handle:
                handle.truncate(self.complete_bytes)
            self.torn_bytes = 0


def read_prior_output(path: Path) -> PriorOutput:
    """Read the records of an earlier run's output, refusing anything that is not one.

    Args:
        path: The JSONL output of an earlier run (absent means nothing is done yet).

    Returns:
        Its complete records' ids, and where a torn last line starts.

    Raises:
        JobError: If a complete line is not a record written by this command, or the last line
            is unterminated and does not begin like one; the file is left as it is.
    """
    prior = PriorOutput(path, set())
    if not path.exists():
        return prior
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.endswith(b"\n"):
                if not (line.startswith(_RECORD_START) or _RECORD_START.startswith(line)):
                    raise JobError(f"{path}:{number}: {_NOT_OURS} (its last line is not a record)")
                prior.torn_bytes = len(line)
                break
            problem, record_id = _record_problem(line)
            if problem:
                raise JobError(f"{path}:{number}: {problem}; {_NOT_OURS}")
            prior.ids.add(record_id)
            prior.complete_bytes += len(line)
    return prior


def _record_problem(line: bytes) -> tuple[str | None, str]:
    """What keeps a complete output line from being one of this command's records, and its id."""
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8", ""
    except ValueError:
        return "not valid JSON", ""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object", ""
    record_id = record.get("id")
    if not isinstance(record_id, str) or not record_id:
        return "no string 'id'", ""
    if not isinstance(record.get("source"), str):
        return "no string 'source'", ""
    counts = record.get("counts")
    if not isinstance(counts, dict) or set(counts) != set(LABELS):
        return f"'counts' is not one count per label {LABELS}", ""
    if not isinstance(record.get("sentences"), list):
        return "no list of 'sentences'", ""
    return None, record_id


@dataclass(frozen=True)
class JobInputs:
    """What a job read: its inputs, as given and as resolved, and its model folder.

    Attributes:
        inputs: ``[as given, resolved]`` per input (``["-", "-"]`` for standard input). The id of
            a ``.txt`` article is its path as given, so both matter.
        model: The resolved model folder.
    """

    inputs: tuple[tuple[str, str], ...]
    model: str

    @classmethod
    def of(cls, inputs: Sequence[str], model: str | Path) -> JobInputs:
        """The inputs of a job about to run."""
        pairs = tuple((name, name if name == "-" else os.path.realpath(name)) for name in inputs)
        return cls(pairs, os.path.realpath(model))

    def save(self, output: Path) -> None:
        """Write ``<output>.job.json`` (atomically: a new file renamed over the old)."""
        path = job_path(output)
        temporary = path.with_name(path.name + ".tmp")
        record = {"format": JOB_FORMAT, **asdict(self)}
        temporary.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, path)

    @classmethod
    def load(cls, output: Path) -> JobInputs | None:
        """Read ``<output>.job.json``; ``None`` if there is none.

        Raises:
            JobError: If the file is not a job file written by this command.
        """
        path = job_path(output)
        if not path.exists():
            return None
        try:
            record = json.loads(path.read_bytes().decode("utf-8"))
            if record["format"] == JOB_FORMAT:
                inputs = tuple((str(given), str(resolved)) for given, resolved in record["inputs"])
                return cls(inputs, str(record["model"]))
        except (OSError, ValueError, TypeError, KeyError):
            pass
        raise JobError(f"{path}: not a job file written by python -m inference")

    def left_out_by(self, current: JobInputs) -> list[str]:
        """How ``current`` fails to cover this earlier job: its inputs not given now, another model."""
        differences = []
        now = set(current.inputs)
        missing = [given for given, resolved in self.inputs if (given, resolved) not in now]
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            differences.append(f"earlier input(s) not given now: {shown}")
        if self.model != current.model:
            differences.append(f"earlier model {self.model}, now {current.model}")
        return differences


def check_resume(prior: PriorOutput, current: JobInputs, force: bool) -> list[str]:
    """Check that resuming ``prior`` with ``current`` inputs keeps only records of these inputs.

    Args:
        prior: The earlier output, as read by :func:`read_prior_output`.
        current: The inputs and model of the job about to run.
        force: Go on anyway (``--force-resume``): the refusals become warnings.

    Returns:
        Warnings to show (only when forced).

    Raises:
        JobError: If the output has records but no job file, or a malformed one, or one whose
            inputs or model ``current`` does not cover.
    """
    if not prior.ids and not prior.torn_bytes:
        return []
    try:
        earlier = JobInputs.load(prior.path)
    except JobError as error:
        return _refuse_or_warn(str(error), force)
    if earlier is None:
        return _refuse_or_warn(
            f"{prior.path} holds {len(prior.ids)} record(s) but no job file {job_path(prior.path)}, "
            "so which inputs they came from is unknown", force
        )
    differences = earlier.left_out_by(current)
    if differences:
        return _refuse_or_warn(f"{prior.path} was written by another job ({'; '.join(differences)})", force)
    return []


def _refuse_or_warn(problem: str, force: bool) -> list[str]:
    if force:
        return [f"{problem}; going on (--force-resume): records of other inputs stay in the output"]
    raise JobError(f"{problem}; pass --force-resume to keep its records and go on, or choose another --output")
