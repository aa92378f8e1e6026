import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inference import Classifier
from inference.__main__ import main
from inference.batch import annotate, completed_ids, read_articles

ROOT = Path(__file__).resolve().parents[1]


def read_output(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


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


def test_completed_ids_cuts_a_torn_last_line(tmp_path):
    output = tmp_path / "out.jsonl"
    output.write_text('{"id": "a", "sentences": []}\n{"id": "b", "sente', encoding="utf-8")
    assert completed_ids(output) == {"a"}
    assert output.read_text(encoding="utf-8") == '{"id": "a", "sentences": []}\n'


def test_resume_skips_completed_ids(random_model_dir, tmp_path, capsys):
    articles = write_jsonl(tmp_path / "in.jsonl", [{"id": f"n{i}", "text": f"خبر رقم {i}. رفض الوزير التعليق."}
                                                   for i in range(5)])
    output = tmp_path / "out.jsonl"
    write_jsonl(output, [{"id": "n0", "sentences": []}, {"id": "n1", "sentences": []}])
    status = main(["--model", str(random_model_dir), "--no-progress", str(articles), "-o", str(output), "--resume"])
    assert status == 0
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
