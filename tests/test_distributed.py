"""python -m inference.distributed on a local Ray instance (2 CPUs), with the shipped model.

One Ray instance serves the whole module; the jobs run in this process (they find Ray started
and leave it running) or, for the killed job, as a subprocess connected through RAY_ADDRESS.
"""

import contextlib
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inference.__main__ import main as single_process
from inference.distributed import main as distributed
from inference.shards import MANIFEST, read_manifest

from .conftest import CORPUS_DIR, ROOT, read_jsonl, write_jsonl

# Before Ray is imported, which reads them: a local instance on loopback addresses, no usage report.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
ray = pytest.importorskip("ray")

ARTICLES = 300
BAD_LINES = ["{broken json\n", {"id": "no-text"}]


@pytest.fixture(scope="module")
def ray_address():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def seed_sentences() -> list[str]:
    sentences = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        for record in read_jsonl(path):
            sentences += [record["text"][s["start"] : s["end"]] for s in record["sentences"]]
    return sentences


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder of two JSONL files: 300 articles of 3 to 8 written-corpus sentences, and some bad records."""
    rng = random.Random(7)
    sentences = seed_sentences()
    articles = [{"id": f"art-{i:03d}", "text": "\n".join(rng.sample(sentences, rng.randint(3, 8)))}
                for i in range(ARTICLES)]
    folder = tmp_path_factory.mktemp("distributed") / "in"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", articles[:100] + BAD_LINES + articles[100:200])
    write_jsonl(folder / "b.jsonl", articles[200:] + [{"id": "art-005", "text": "نص مكرر المعرف."}])
    return folder


def run_distributed(inputs: Path, output: Path, *args: str) -> int:
    return distributed([str(inputs), "--output", str(output), "--no-progress", *args])


def error_lines(err: str) -> set[str]:
    return {line for line in err.splitlines() if line.startswith("error: ")}


def summary_line(err: str) -> str:
    return [line for line in err.splitlines() if line.startswith("done: ")][-1]


def part_records(output: Path) -> list[dict]:
    return [record for part in sorted(output.glob("part-*.jsonl")) for record in read_jsonl(part)]


@pytest.fixture(scope="module")
def distributed_run(ray_address, inputs, tmp_path_factory) -> tuple[Path, int, str]:
    """The folder written by two workers in shards of 40 lines, the exit status and what was printed."""
    output = tmp_path_factory.mktemp("distributed") / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = run_distributed(inputs, output, "--workers", "2", "--shard-size", "40")
    return output, status, err.getvalue()


def test_two_workers_give_the_single_process_answers(distributed_run, inputs, tmp_path, capfd):
    output, status, err = distributed_run
    assert status == 1  # 3 bad records
    files = [str(inputs / "a.jsonl"), str(inputs / "b.jsonl")]
    single = tmp_path / "single.jsonl"
    assert single_process(["--no-progress", *files, "-o", str(single)]) == 1
    single_err = capfd.readouterr().err
    assert summary_line(err) == summary_line(single_err) == "done: 300, skipped: 0, failed: 3"
    assert error_lines(err) == error_lines(single_err) and len(error_lines(err)) == 3

    expected = {record["id"]: record for record in read_jsonl(single)}
    records = part_records(output)
    assert len(records) == len({record["id"] for record in records}) == ARTICLES
    labels = {(r["id"], s["index"], s["label"]) for r in records for s in r["sentences"]}
    assert labels == {(r["id"], s["index"], s["label"]) for r in expected.values() for s in r["sentences"]}
    for record in records:
        reference = expected[record["id"]]
        assert (record["source"], record["counts"]) == (reference["source"], reference["counts"])
        for sentence, other in zip(record["sentences"], reference["sentences"], strict=True):
            assert {k: v for k, v in sentence.items() if k not in ("score", "probabilities")} == \
                {k: v for k, v in other.items() if k not in ("score", "probabilities")}
            assert sentence["score"] == pytest.approx(other["score"], abs=1e-4)
            for label, probability in sentence["probabilities"].items():
                assert probability == pytest.approx(other["probabilities"][label], abs=1e-4)

    before = {path.name: path.stat().st_mtime_ns for path in output.iterdir()}
    assert run_distributed(inputs, output, "--workers", "2", "--shard-size", "40") == 1  # nothing left to do
    err = capfd.readouterr().err
    assert summary_line(err) == "done: 0, skipped: 300, failed: 3" and len(error_lines(err)) == 3
    assert {path.name: path.stat().st_mtime_ns for path in output.iterdir()} == before


def test_a_manifest_of_another_model_or_other_inputs_is_refused_before_writing(
    distributed_run, inputs, random_model_dir, tmp_path, capfd
):
    output = tmp_path / "out"
    shutil.copytree(distributed_run[0], output)
    snapshot = {path.name: path.read_bytes() for path in output.iterdir()}
    assert run_distributed(inputs, output, "--shard-size", "40", "--model", str(random_model_dir)) == 2
    assert "belongs to another job: it was written with the model" in capfd.readouterr().err
    assert run_distributed(inputs / "a.jsonl", output, "--shard-size", "40") == 2
    err = capfd.readouterr().err
    assert f"other inputs (not given now: {inputs / 'b.jsonl'})" in err and err.count("\n") == 1
    assert {path.name: path.read_bytes() for path in output.iterdir()} == snapshot


def test_a_killed_run_resumes_with_every_article_exactly_once(ray_address, inputs, tmp_path, capfd):
    output = tmp_path / "out"
    command = [sys.executable, "-m", "inference.distributed", str(inputs), "--output", str(output),
               "--workers", "1", "--shard-size", "20", "--no-progress"]
    env = {**os.environ, "RAY_ADDRESS": ray_address, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = output / MANIFEST
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= 2:  # the header and one shard
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done = read_manifest(output).done
    shards = sum(-(-path.read_bytes().count(b"\n") // 20) for path in inputs.glob("*.jsonl"))
    assert 1 <= len(done) < shards, "the job should have been killed after its first shard, before its last"

    assert run_distributed(inputs, output, "--workers", "2", "--shard-size", "20") == 1
    assert summary_line(capfd.readouterr().err) == f"done: {ARTICLES - sum(e.records for e in done.values())}, " \
        f"skipped: {sum(e.records for e in done.values())}, failed: 3"
    ids = [record["id"] for record in part_records(output)]
    assert sorted(ids) == [f"art-{i:03d}" for i in range(ARTICLES)]
    parts = {path.name for path in output.iterdir() if path.name != MANIFEST}
    assert parts == {entry.part for entry in read_manifest(output).done.values()}


def test_refuses_a_model_folder_that_is_not_one(inputs, tmp_path, capfd):
    assert run_distributed(inputs, tmp_path / "out", "--model", str(tmp_path)) == 2
    err = capfd.readouterr().err
    assert err.startswith("error: ") and "config.json" in err and not (tmp_path / "out").exists()
