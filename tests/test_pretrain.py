import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertForMaskedLM

from inference import TextNormalizer
from training.arguments import ConfigError
from training.news_corpus import article_key
from training.pretrain import MaskedPositionsBertForMaskedLM, PretrainDataArguments, group_texts, load_sentences
from training.pretrain import main as pretrain

from .conftest import CORPUS_DIR, ROOT
from .news_fixtures import ARTICLES, write_news_corpus

TINY = ["--config", str(ROOT / "configs/pretrain_news.yaml"), "--train_files", f"[{CORPUS_DIR / 'train.jsonl'}]",
        "--exclude_articles", "", "--config_overrides",
        "hidden_size=32,num_hidden_layers=1,num_attention_heads=2,intermediate_size=64",
        "--tokenizer_vocab_size", "400", "--fasttext_epochs", "1", "--validation_articles", "5",
        "--per_device_train_batch_size", "8", "--per_device_eval_batch_size", "64", "--logging_steps", "50",
        "--warmup_steps", "10", "--max_time_minutes", "0", "--eval_every_minutes", "100", "--disable_tqdm", "true",
        "--normalization", "none"]


def test_the_masked_positions_head_gives_the_stock_loss():
    torch.manual_seed(0)
    config = BertConfig(vocab_size=120, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=32)
    stock = BertForMaskedLM(config).eval()
    ours = MaskedPositionsBertForMaskedLM(config).eval()
    ours.load_state_dict(stock.state_dict())
    input_ids = torch.randint(5, 120, (3, 16))
    labels = torch.full_like(input_ids, -100)
    labels[:, [2, 7, 11]] = input_ids[:, [2, 7, 11]]
    with torch.no_grad():
        expected, got = stock(input_ids=input_ids, labels=labels), ours(input_ids=input_ids, labels=labels)
    assert torch.allclose(expected.loss, got.loss, atol=1e-5)
    assert got.logits.shape == (9, 120)
    assert torch.allclose(expected.logits[labels != -100], got.logits, atol=1e-5)


def test_group_texts_packs_full_blocks():
    blocks = group_texts([[2, 10, 11, 3], [2, 12, 3], [2, 13, 14, 15, 3]], block_size=4)
    assert blocks.tolist() == [[2, 10, 11, 3], [2, 12, 3, 2], [13, 14, 15, 3]]
    assert group_texts([[1, 2, 3]], block_size=4).shape == (0, 4)


def test_held_out_articles_never_reach_pretraining(tmp_path):
    corpus = write_news_corpus(tmp_path)
    excluded = tmp_path / "heldout.txt"
    excluded.write_text(f"# held out\ntest\t{article_key(ARTICLES[1])}\tother\n", encoding="utf-8")
    data = PretrainDataArguments(news_corpus=str(corpus), exclude_articles=str(excluded), validation_articles=1)
    sentences = load_sentences(data, TextNormalizer("none"), seed=1)
    everything = " ".join(sentences["train"] + sentences["validation"])
    assert "رفضت الحركة" not in everything and "طالبت نقابة المعلمين" in everything


def test_a_run_killed_mid_way_resumes_from_its_checkpoint(tmp_path):
    output = tmp_path / "encoder_run"
    command = [sys.executable, "-m", "training.pretrain", *TINY, "--output_dir", str(output),
               "--max_steps", "600", "--save_every_minutes", "0.01"]
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not any((c / "trainer_state.json").is_file() for c in output.glob("checkpoint-*")):
        assert first.poll() is None, "the run ended before writing a checkpoint"
        assert time.monotonic() < deadline, "no checkpoint after 5 minutes"
        time.sleep(0.2)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert not (output / "encoder").exists()
    with pytest.raises(ConfigError, match="resume_from_checkpoint"):
        pretrain([*TINY, "--output_dir", str(output), "--max_steps", "600"])
    resumed = subprocess.run([*command, "--resume_from_checkpoint", "true"], cwd=ROOT, capture_output=True, text=True,
                             timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resuming from" in resumed.stdout and "checkpoint-" in resumed.stdout
    record = json.loads((output / "encoder" / "pretraining.json").read_text())
    assert record["steps"] == 600 and record["curve"] and record["sessions"][0]["end_step"] == 600
    assert 0 <= record["curve"][-1]["accuracy"] <= 1
    names = {p.name for p in (output / "encoder").iterdir()}
    assert {"model.safetensors", "tokenizer.json", "config.json", "README.md", "learning_curve.png"} <= names
    encoder = BertForMaskedLM.from_pretrained(output / "encoder")
    assert encoder.config.hidden_size == 32 and np.isfinite(encoder.bert.embeddings.word_embeddings.weight.sum().item())


def test_the_shipped_exclusion_list_holds_every_real_dev_and_test_article():
    from training.pretrain import read_excluded

    excluded = read_excluded(str(ROOT / "seeds/real/heldout.txt"))
    for split in ("dev", "test"):
        keys = {json.loads(line)["article"] for line in (ROOT / f"seeds/real/{split}.jsonl").read_text().splitlines()}
        assert keys and keys <= excluded
