import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from inference import Classifier
from inference.__main__ import main
from inference.batch import annotate, read_articles

from .conftest import ROOT, write_jsonl
from .conftest import read_jsonl as read_output


def test_txt_and_jsonl_inputs_one_line_per_article(random_model_dir, tmp_path, seed_text):
    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "a1", "text": "رفضت النقابة العرض الحكومي. وحذّرت من إضراب مفتوح."},
        {"id": 7, "text": "طالب المحتجون بإقالة المحافظ."},
    ])
    output = tmp_path / "out.jsonl"
    status = main(["--model", str(random_model_dir), "--no-progress", str(ROOT / "seeds/000_b10947e7783b1602.txt"),
                   str(articles), "--output", str(output)])
    assert status == 0
    records = read_output(output)
    assert [r["id"] for r in records] == [str(ROOT / "seeds/000_b10947e7783b1602.txt"), "a1", "7"]
    assert len(records[0]["sentences"]) == 15 and sum(records[0]["counts"].values()) == 15
    first = records[0]["sentences"][5]
    assert seed_text[first["start"] : first["end"]] == first["text"]


def test_bad_records_are_reported_and_the_rest_continues(random_model_dir, tmp_path, capsys):
    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "ok1", "text": "حذّرت الأمم المتحدة من مجاعة."},
        "{broken json\n",
        {"id": "no-text"},
        {"text": "بلا معرف."},
        {"id": "ok1", "text": "تكرار المعرف."},
        {"id": "ok2", "text": "رفض البرلمان الموازنة."},
    ])
    output = tmp_path / "out.jsonl"
    status = main(["--model", str(random_model_dir), "--no-progress", str(articles), "-o", str(output),
                   str(tmp_path / "missing.txt")])
    assert status == 1
    assert [r["id"] for r in read_output(output)] == ["ok1", "ok2"]
    errors = capsys.readouterr().err
    assert "in.jsonl:2: not valid JSON" in errors
    assert "in.jsonl:3 (id no-text): 'text' must be a string" in errors
    assert "in.jsonl:4: missing or invalid 'id'" in errors
    assert "duplicate id 'ok1'" in errors
    assert "missing.txt: no such file" in errors
    assert "done: 2, skipped: 0, failed: 5" in errors


def test_stdin_plain_text_and_jsonl(random_model_dir, seed_text):
    classifier = Classifier.from_pretrained(random_model_dir, device="cpu")
    sink = io.StringIO()
    annotate(classifier, read_articles(["-"], stdin=io.StringIO(seed_text)), sink)
    (record,) = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert record["id"] == "stdin" and len(record["sentences"]) == 15
    sink = io.StringIO()
    summary = annotate(classifier, read_articles(["-"], stdin=io.StringIO('{"id": "x", "text": "نص أول."}\n')), sink)
    assert summary.done == 1 and json.loads(sink.getvalue())["id"] == "x"


def test_resume_skips_completed_ids(random_model_dir, tmp_path, capsys):
    records = [{"id": f"n{i}", "text": f"خبر رقم {i}. رفض الوزير التعليق."} for i in range(5)]
    articles = write_jsonl(tmp_path / "in.jsonl", records[:2])
    output = tmp_path / "out.jsonl"
    command = ["--model", str(random_model_dir), "--no-progress", str(articles), "-o", str(output)]
    assert main(command) == 0
    write_jsonl(articles, records)  # more articles arrived in the same file
    assert main([*command, "--resume"]) == 0
    assert [r["id"] for r in read_output(output)] == ["n0", "n1", "n2", "n3", "n4"]
    assert "done: 3, skipped: 2, failed: 0" in capsys.readouterr().err


@pytest.mark.parametrize("kill_signal", [signal.SIGKILL, signal.SIGINT])
def test_killed_job_resumes_with_every_article_exactly_once(random_model_dir, tmp_path, kill_signal):
    sentences = ["رفضت الحكومة مقترح النقابة.", "حذّر الخبراء من موجة حر.", "طالب السكان بإصلاح الطرق.",
                 "افتتح المحافظ الجسر الجديد."]
    count = 3000
    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": f"art-{i}", "text": " ".join(sentences[j % 4] for j in range(i, i + 4)) + f" العدد {i}."}
        for i in range(count)
    ])
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "inference", "--model", str(random_model_dir), "--no-progress",
               "--batch-size", "8", str(articles), "-o", str(output), "--resume"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not output.exists() or output.stat().st_size < 20_000):
        time.sleep(0.05)
    process.send_signal(kill_signal)
    process.wait(timeout=60)
    written = output.read_text(encoding="utf-8").count("\n")
    assert 0 < written < count, "the job should have been killed mid-run"
    subprocess.run(command, cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL, timeout=600)
    ids = [record["id"] for record in read_output(output)]
    assert sorted(ids) == sorted(f"art-{i}" for i in range(count))
    assert len(ids) == len(set(ids)) == count


def run_batch(model: Path, *args: str) -> int:
    return main(["--model", str(model), "--no-progress", *map(str, args)])


def test_undecodable_line_is_reported_and_the_rest_kept(random_model_dir, tmp_path, capsys):
    good = [{"id": f"g{i}", "text": f"رفضت النقابة العرض رقم {i}."} for i in range(5)]
    lines = [(json.dumps(r, ensure_ascii=False) + "\n").encode() for r in good]
    lines.insert(3, '{"id": "bad", "text": "حذّرت '.encode() + b"\xff\xfe" + b'"}\n')
    articles = tmp_path / "in.jsonl"
    articles.write_bytes(b"".join(lines))
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, articles, "-o", output) == 1
    assert [r["id"] for r in read_output(output)] == ["g0", "g1", "g2", "g3", "g4"]
    errors = capsys.readouterr().err
    assert "in.jsonl:4: not UTF-8 (byte 0xff" in errors and "done: 5, skipped: 0, failed: 1" in errors


def test_lone_surrogate_is_reported_and_the_rest_kept(random_model_dir, tmp_path, capsys):
    articles = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "a", "text": "رفضت النقابة العرض."},
        '{"id": "s", "text": "\\ud800 نص مكسور."}\n',
        '{"id": "\\udfff", "text": "نص."}\n',
        {"id": "b", "text": "حذّرت الأرصاد من السيول."},
    ])
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, articles, "-o", output, "--html", tmp_path / "view.html") == 1
    assert [r["id"] for r in read_output(output)] == ["a", "b"]
    errors = capsys.readouterr().err
    assert "in.jsonl:2: 'id' or 'text' holds a lone surrogate" in errors and "in.jsonl:3: " in errors


def test_undecodable_stdin_is_reported(random_model_dir):
    classifier = Classifier.from_pretrained(random_model_dir, device="cpu")
    raw = '{"id": "a", "text": "رفضت الحكومة المقترح."}\n'.encode() + b'{"id": "b", "text": "\xff"}\n'
    sink = io.StringIO()
    summary = annotate(classifier, read_articles(["-"], stdin=io.TextIOWrapper(io.BytesIO(raw))), sink)
    assert summary.done == 1 and summary.errors == ["<stdin>:2: not UTF-8 (byte 0xff at offset 21)"]


@pytest.mark.parametrize("suffix", [".JSONL", ".Jsonl"])
def test_extensions_are_case_insensitive(random_model_dir, tmp_path, suffix):
    articles = write_jsonl(tmp_path / f"in{suffix}", [{"id": "a", "text": "رفض البرلمان الموازنة."},
                                                      {"id": "b", "text": "حذّرت الأرصاد من السيول."}])
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, articles, "-o", output) == 0
    assert [r["id"] for r in read_output(output)] == ["a", "b"]


def test_bom_is_not_part_of_the_text(random_model_dir, tmp_path):
    bom = "\ufeff".encode()
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes(bom + '{"id": "j", "text": "رفضت الحكومة المقترح."}\n'.encode())
    txt = tmp_path / "article.txt"
    txt.write_bytes(bom + "طالبت النقابة بصرف الأجور.\nحذّر الخبراء من السيول.".encode())
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, jsonl, txt, "-o", output) == 0
    records = {r["id"]: r for r in read_output(output)}
    assert records["j"]["sentences"][0]["text"] == "رفضت الحكومة المقترح."
    first = records[str(txt)]["sentences"][0]
    assert (first["text"], first["start"]) == ("طالبت النقابة بصرف الأجور.", 0)


def test_crlf_offsets_slice_the_decoded_file(random_model_dir, tmp_path):
    article = tmp_path / "crlf.txt"
    lines = ["عنوان الخبر", "", "رفضت الحكومة المقترح. وحذّرت النقابة من إضراب شامل.", "طالب السكان بإصلاح الطرق."]
    article.write_bytes("\r\n".join(lines).encode() + b"\r\n")
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, article, "-o", output) == 0
    (record,) = read_output(output)
    with open(article, encoding="utf-8-sig", newline="") as handle:  # the contract: newlines kept as they are
        text = handle.read()
    assert "\r\n" in text
    assert [text[s["start"] : s["end"]] for s in record["sentences"]] == [s["text"] for s in record["sentences"]]
    assert [s["text"] for s in record["sentences"]][-1] == "طالب السكان بإصلاح الطرق."


def test_non_finite_scores_are_never_written(random_model_dir, tmp_path, capsys):
    from safetensors.torch import load_file, save_file

    folder = tmp_path / "model"
    shutil.copytree(random_model_dir, folder)
    weights = load_file(folder / "model.safetensors")
    weights["classifier.bias"][0] = float("nan")
    save_file(weights, folder / "model.safetensors", metadata={"format": "pt"})
    articles = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "رفضت الحكومة المقترح."}])
    output = tmp_path / "out.jsonl"
    assert run_batch(folder, articles, "-o", output) == 1
    assert "NaN" not in output.read_text(encoding="utf-8")
    assert "in.jsonl:1: id 'a': the model gave non-finite scores" in capsys.readouterr().err


@pytest.mark.parametrize(
    "option",
    [["--device", "gpu"], ["--device", "cuda:99"], ["--threads", "-1"], ["--threads", "0"], ["--batch-size", "0"]]
    + ([["--device", "cuda"]] if not torch.cuda.is_available() else []),
    ids=" ".join,
)
def test_bad_device_or_threads_is_a_one_line_error(random_model_dir, tmp_path, capsys, option):
    articles = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "رفضت الحكومة المقترح."}])
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, articles, "-o", output, *option) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1
    assert option[0].lstrip("-").split("-")[0] in captured.err
    assert not output.exists()
