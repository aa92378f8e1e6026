import json
import shutil

import pytest

from inference.__main__ import main
from inference.job import job_path, lock_path
from inference.resume import read_prior_output

from .conftest import read_jsonl, write_jsonl

ARTICLES = [{"id": f"n{i}", "text": f"خبر رقم {i}. رفض الوزير التعليق على المقترح."} for i in range(4)]


def run_batch(model, *args) -> int:
    return main(["--model", str(model), "--no-progress", *map(str, args)])


def one_error_line(err: str) -> str:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def a_record(record_id: str) -> str:
    counts = {"demand": 0, "warning": 0, "refusal": 0, "background": 0}
    return json.dumps({"id": record_id, "source": "x.jsonl:1", "counts": counts, "sentences": []},
                      ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "content",
    [
        "نص عادي وليس مخرجات.\nسطر ثان.\n",
        "نص عادي بلا سطر جديد في آخره",
        "[1,2,3]\n",
        '{"no_id": 1}\n',
        '{"no_id": 1}',
        '{"id": 5, "source": "a", "counts": {}, "sentences": []}\n',
        a_record("n0") + "garbage\n" + a_record("n1"),
        a_record("n0") + '{"id": "n1", "source": "x", "counts": {"demand": 0}, "sentences": []}\n',
        a_record("n0") + "\n",
    ],
    ids=["text", "text-no-newline", "list", "no-id", "no-id-torn", "int-id", "garbage-line", "bad-counts", "blank"],
)
def test_resume_on_an_output_not_of_this_command_is_refused_untouched(random_model_dir, tmp_path, capsys, content):
    articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    output = tmp_path / "out.jsonl"
    output.write_text(content, encoding="utf-8")
    assert run_batch(random_model_dir, articles, "-o", output, "--resume") == 2
    assert "not an output of python -m inference" in one_error_line(capsys.readouterr().err)
    assert output.read_text(encoding="utf-8") == content
    assert not job_path(output).exists() and not lock_path(output).exists()


def test_resume_on_undecodable_output_is_refused_untouched(random_model_dir, tmp_path, capsys):
    articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    output = tmp_path / "out.jsonl"
    content = a_record("n0").encode() + b'{"id": "\xff"}\n'
    output.write_bytes(content)
    assert run_batch(random_model_dir, articles, "-o", output, "--resume") == 2
    assert "out.jsonl:2: not UTF-8" in one_error_line(capsys.readouterr().err)
    assert output.read_bytes() == content


@pytest.mark.parametrize("torn", ['{"id": "n2", "source": "in.jsonl:3", "coun', '{"i', "{"])
def test_only_a_torn_last_line_is_removed(tmp_path, torn):
    output = tmp_path / "out.jsonl"
    output.write_text(a_record("n0") + a_record("n1") + torn, encoding="utf-8")
    prior = read_prior_output(output)
    assert prior.ids == {"n0", "n1"}
    assert output.read_text(encoding="utf-8").endswith(torn)  # reading changes nothing
    prior.cut_torn_line()
    assert output.read_text(encoding="utf-8") == a_record("n0") + a_record("n1")


def test_ids_with_unicode_line_separators_round_trip(random_model_dir, tmp_path, capsys):
    ids = ["خبر\u2028أول", "خبر\u2029ثان", "خبر\x85ثالث", "خبر\u000bرابع"]
    records = [{"id": record_id, "text": f"رفضت الحكومة المقترح رقم {i}."} for i, record_id in enumerate(ids)]
    articles = write_jsonl(tmp_path / "in.jsonl", records[:3])
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, articles, "-o", output) == 0
    write_jsonl(articles, records)
    assert run_batch(random_model_dir, articles, "-o", output, "--resume") == 0
    assert "done: 1, skipped: 3, failed: 0" in capsys.readouterr().err
    assert [r["id"] for r in read_jsonl(output)] == ids
    assert read_prior_output(output).ids == set(ids)


def test_resume_with_other_inputs_is_refused_unless_forced(random_model_dir, tmp_path, capsys):
    first = write_jsonl(tmp_path / "first.jsonl", ARTICLES[:2])
    other = write_jsonl(tmp_path / "other.jsonl", ARTICLES[2:])
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, first, "-o", output) == 0
    capsys.readouterr()
    before = output.read_bytes()
    assert run_batch(random_model_dir, other, "-o", output, "--resume") == 2
    err = one_error_line(capsys.readouterr().err)
    assert "written by another job (earlier input(s) not given now: " in err and str(first) in err
    assert "--force-resume" in err and output.read_bytes() == before
    assert run_batch(random_model_dir, other, "-o", output, "--force-resume") == 0
    err = capsys.readouterr().err
    assert "warning: " in err and "done: 2, skipped: 0, failed: 0" in err
    assert "warning: 2 record(s) in " in err and "none of the inputs has" in err
    assert [r["id"] for r in read_jsonl(output)] == ["n0", "n1", "n2", "n3"]


def test_resume_with_another_model_is_refused(random_model_dir, tmp_path, capsys):
    articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, articles, "-o", output) == 0
    capsys.readouterr()
    other_model = shutil.copytree(random_model_dir, tmp_path / "other_model")
    assert run_batch(other_model, articles, "-o", output, "--resume") == 2
    assert "earlier model" in one_error_line(capsys.readouterr().err)


def test_resume_with_more_inputs_is_allowed(random_model_dir, tmp_path, capsys):
    first = write_jsonl(tmp_path / "first.jsonl", ARTICLES[:2])
    more = write_jsonl(tmp_path / "more.jsonl", ARTICLES[2:])
    output = tmp_path / "out.jsonl"
    assert run_batch(random_model_dir, first, "-o", output) == 0
    assert run_batch(random_model_dir, first, more, "-o", output, "--resume") == 0
    err = capsys.readouterr().err
    assert "done: 2, skipped: 2, failed: 0" in err and "warning" not in err


def test_resume_of_records_without_a_job_file_is_refused(random_model_dir, tmp_path, capsys):
    articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    output = tmp_path / "out.jsonl"
    output.write_text(a_record("n0"), encoding="utf-8")
    assert run_batch(random_model_dir, articles, "-o", output, "--resume") == 2
    assert "no job file" in one_error_line(capsys.readouterr().err)
    job_path(output).write_text("[]", encoding="utf-8")
    assert run_batch(random_model_dir, articles, "-o", output, "--resume") == 2
    assert "not a job file" in one_error_line(capsys.readouterr().err)
    assert output.read_text(encoding="utf-8") == a_record("n0")
