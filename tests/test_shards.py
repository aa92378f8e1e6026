"""Shards, part files and the manifest of python -m inference.distributed, without Ray."""

import json
import subprocess
import sys

import pytest

from inference import Classifier
from inference.job import JobError
from inference.shards import (
    MANIFEST,
    JobHeader,
    ShardEntry,
    annotate_shard,
    check_manifest,
    expand_inputs,
    index_inputs,
    prepare_folder,
    read_manifest,
    read_shard,
    record_shard,
    write_part,
)

from .conftest import ROOT, write_jsonl

RECORDS = [{"id": f"s{i}", "text": f"رفضت النقابة العرض رقم {i}. وحذّرت من إضراب مفتوح."} for i in range(7)]


def header_of(inputs, shard_lines=3, model="m", sha="0" * 64) -> JobHeader:
    return JobHeader(model, sha, shard_lines, tuple(inputs))


def test_shards_cut_files_at_lines_and_report_bad_records_with_their_file_line(tmp_path, random_model_dir):
    lines = [*RECORDS[:4], "{broken\n", *RECORDS[4:]]
    path = write_jsonl(tmp_path / "in.jsonl", lines)
    inputs, shards = index_inputs(expand_inputs([str(path)]), shard_lines=3)
    assert [s.key for s in shards] == ["00000-000000", "00000-000001", "00000-000002"]
    assert [s.first_line for s in shards] == [1, 4, 7] and shards[-1].end == inputs[0].size == path.stat().st_size
    assert [getattr(r, "source", None) or r.where for r in read_shard(shards[1])] == [f"{path}:{n}" for n in (4, 5, 6)]
    result = annotate_shard(Classifier.from_pretrained(random_model_dir, device="cpu"), shards[1])
    assert [a for a, _ in result.articles] == ["s3", "s4"]
    assert result.errors and result.errors[0].startswith(f"{path}:5: not valid JSON")
    assert [json.loads(line)["source"] for line in result.text.splitlines()] == [f"{path}:4", f"{path}:6"]


def test_inputs_are_files_folders_or_globs_of_jsonl(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("b.jsonl", "a.JSONL", "notes.txt"):
        (folder / name).write_text("", encoding="utf-8")
    assert [name for name, _ in expand_inputs([str(folder)])] == [str(folder / "a.JSONL"), str(folder / "b.jsonl")]
    assert [name for name, _ in expand_inputs([str(folder / "*.jsonl")])] == [str(folder / "b.jsonl")]
    for names, message in (([str(folder / "notes.txt")], "not a .jsonl file"),
                           ([str(folder / "missing.jsonl")], "no such file"),
                           ([str(folder / "*.csv")], "no file matches"),
                           ([str(folder), str(folder / "b.jsonl")], "is given twice")):
        with pytest.raises(JobError, match=message):
            expand_inputs(names)


def test_a_killed_job_leaves_nothing_a_rerun_would_double(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    inputs, shards = index_inputs(expand_inputs([str(path)]), shard_lines=3)
    header = header_of(inputs)
    out = tmp_path / "out"
    out.mkdir()
    state = read_manifest(out)
    prepare_folder(out, state, header)
    write_part(out, shards[0], '{"id": "s0", "source": "x", "counts": {}, "sentences": []}\n')
    record_shard(out, ShardEntry(shards[0].key, shards[0].part, 1))
    # Killed after the second part was renamed, before its manifest line was whole, with a temp file about.
    write_part(out, shards[1], '{"id": "s3"}\n')
    (out / f".{shards[2].part}.tmp").write_text("half", encoding="utf-8")
    with (out / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write('{"key": "00000-0000')
    state = read_manifest(out)
    assert set(state.done) == {shards[0].key} and state.torn_bytes
    check_manifest(out, state, header)
    prepare_folder(out, state, header)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, shards[0].part]
    assert (out / MANIFEST).read_bytes().endswith(b"\n") and read_manifest(out).done.keys() == {shards[0].key}
    write_part(out, shards[0], "")  # a shard written again replaces its part: one file per shard, always
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, shards[0].part]


def test_a_manifest_of_another_job_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    inputs, _ = index_inputs(expand_inputs([str(path)]), shard_lines=3)
    out = tmp_path / "out"
    out.mkdir()
    prepare_folder(out, read_manifest(out), header_of(inputs))
    state = read_manifest(out)
    for other, message in ((header_of(inputs, sha="1" * 64, model="other"), "with the model m, this job uses other"),
                           (header_of(inputs, shard_lines=5), "shards of 3 lines"),
                           (header_of([]), r"other inputs \(not given now: ")):
        with pytest.raises(JobError, match=message):
            check_manifest(out, state, other)
    write_jsonl(path, RECORDS[:-1])  # the same file, changed
    changed, _ = index_inputs(expand_inputs([str(path)]), shard_lines=3)
    with pytest.raises(JobError, match=r"other inputs \(new or changed: "):
        check_manifest(out, state, header_of(changed))
    (out / MANIFEST).write_text("not json\n", encoding="utf-8")
    with pytest.raises(JobError, match="manifest.jsonl:1: .*not a manifest written by"):
        read_manifest(out)


def test_importing_inference_does_not_import_ray():
    code = "import sys, inference, inference.shards, inference.distributed; print('ray' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
