import os
import subprocess
import sys
import time

import pytest

from inference.__main__ import main
from inference.job import JobError, OutputLock, lock_path

from .conftest import ROOT, read_jsonl, write_jsonl

ARTICLES = [
    {"id": "a1", "text": "رفضت النقابة العرض الحكومي. وحذّرت من إضراب مفتوح."},
    {"id": "a2", "text": "طالب المحتجون بإقالة المحافظ."},
]


def run_batch(model, *args) -> int:
    return main(["--model", str(model), "--no-progress", *map(str, args)])


def one_error_line(err: str) -> str:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def same_file(tmp_path):
    return tmp_path / "in.jsonl"


def symlink_to_it(tmp_path):
    link = tmp_path / "link.jsonl"
    link.symlink_to(tmp_path / "in.jsonl")
    return link


def hard_link_to_it(tmp_path):
    link = tmp_path / "hard.jsonl"
    os.link(tmp_path / "in.jsonl", link)
    return link


def other_spelling(tmp_path):
    (tmp_path / "sub").mkdir()
    return tmp_path / "sub" / ".." / "in.jsonl"


@pytest.mark.parametrize("option", ["--output", "--html"])
@pytest.mark.parametrize("way", [same_file, symlink_to_it, hard_link_to_it, other_spelling], ids=lambda f: f.__name__)
def test_output_that_is_an_input_is_refused(random_model_dir, tmp_path, capsys, option, way):
    articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    before = articles.read_bytes()
    target = way(tmp_path)
    extra = ["-o", tmp_path / "out.jsonl"] if option == "--html" else []
    assert run_batch(random_model_dir, articles, option, target, *extra) == 2
    assert articles.read_bytes() == before
    assert "refusing to overwrite an input" in one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "out.jsonl").exists()


def test_output_that_is_an_input_is_refused_with_resume(random_model_dir, tmp_path, capsys):
    articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    before = articles.read_bytes()
    assert run_batch(random_model_dir, articles, "-o", articles, "--resume") == 2
    assert articles.read_bytes() == before
    one_error_line(capsys.readouterr().err)


def html_is_a_directory(tmp_path):
    (tmp_path / "view").mkdir()
    return {"--html": tmp_path / "view"}


def html_under_a_file(tmp_path):
    return {"--html": tmp_path / "out.jsonl" / "view.html"}


def output_is_a_directory(tmp_path):
    (tmp_path / "out_dir").mkdir()
    return {"-o": tmp_path / "out_dir"}


def output_under_a_file(tmp_path):
    return {"-o": tmp_path / "view.html" / "out.jsonl"}


def html_is_the_output(tmp_path):
    return {"--html": tmp_path / "out.jsonl"}


def lock_file_is_a_directory(tmp_path):
    (tmp_path / "out.jsonl.lock").mkdir()
    return {}


@pytest.mark.parametrize(
    "bad",
    [html_is_a_directory, html_under_a_file, output_is_a_directory, output_under_a_file, html_is_the_output,
     lock_file_is_a_directory],
    ids=lambda f: f.__name__,
)
def test_bad_output_path_is_refused_before_anything_is_written(random_model_dir, tmp_path, capsys, bad):
    articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    output, page = tmp_path / "out.jsonl", tmp_path / "view.html"
    output.write_text('{"id": "earlier"}\n', encoding="utf-8")
    page.write_text("<html>earlier</html>\n", encoding="utf-8")
    options = {"-o": output, "--html": page, **bad(tmp_path)}
    assert run_batch(random_model_dir, articles, *(item for pair in options.items() for item in pair)) == 2
    one_error_line(capsys.readouterr().err)
    assert output.read_text(encoding="utf-8") == '{"id": "earlier"}\n'
    assert page.read_text(encoding="utf-8") == "<html>earlier</html>\n"
    assert not (tmp_path / "out.jsonl.job.json").exists()


def test_concurrent_jobs_on_one_output_are_refused(random_model_dir, tmp_path):
    output = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "inference", "--model", str(random_model_dir), "--no-progress", "-o", str(output)]
    # The first job reads its articles from a pipe: it holds the output for as long as the pipe stays open.
    first = subprocess.Popen([*command, "-"], cwd=ROOT, env=env, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (lock_path(output).exists() and lock_path(output).read_text().strip()):
            assert first.poll() is None and time.monotonic() < deadline, "the first job should be holding the output"
            time.sleep(0.05)
        articles = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
        second = subprocess.run([*command, str(articles)], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=300)
        assert second.returncode == 2
        message = second.stderr.strip()
        assert message.startswith("error: ") and "\n" not in message
        assert f"being written by another job (process {first.pid}" in message
        piped = [{"id": f"p{i}", "text": f"رفضت الحكومة المقترح رقم {i}. وحذّرت النقابة من إضراب."} for i in range(50)]
        _, err = first.communicate(write_jsonl(tmp_path / "piped.jsonl", piped).read_bytes(), timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    assert [r["id"] for r in read_jsonl(output)] == [f"p{i}" for i in range(50)]
    assert not lock_path(output).exists()


def test_lock_is_exclusive_and_released(tmp_path):
    output = tmp_path / "out.jsonl"
    with OutputLock(output):
        assert lock_path(output).read_text() == f"{os.getpid()}\n"
        with pytest.raises(JobError, match="being written by another job"), OutputLock(output):
            pass
    assert not lock_path(output).exists()
    with OutputLock(output):  # free again
        pass
