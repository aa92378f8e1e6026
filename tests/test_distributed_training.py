"""Training in two processes (DDP on the CPU with gloo): one model folder, metrics and calibration once."""

import json
import os
import socket
import subprocess
import sys

from .conftest import CORPUS_DIR, FAST, ROOT, read_jsonl

TINY = ["--config_overrides", "hidden_size=32,num_hidden_layers=1,num_attention_heads=2,intermediate_size=64",
        "--tokenizer_vocab_size", "800", "--max_train_samples", "120"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sentences_in(path) -> int:
    return sum(len(record["sentences"]) for record in read_jsonl(path))


def test_two_processes_train_together_and_only_the_main_one_writes(tmp_path):
    output = tmp_path / "run"
    # accelerate starts several processes through torchrun only with --multi_gpu (without it, and
    # with --cpu, it starts one); on a machine without CUDA the script then trains on the CPU with gloo.
    command = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
               "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
               "--main_process_ip", "127.0.0.1", "--main_process_port", str(free_port()),
               "-m", "training.train", "--config", "configs/scratch.yaml", *FAST, *TINY, "--output_dir", str(output)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]

    printed = result.stdout
    assert printed.count("model saved to") == 1 and f"model saved to {output} (process 0 of 2)" in printed
    assert printed.count("calibration: temperature") == 1
    assert printed.count("\ntest (corpus) (") == printed.count("\nvalidation (") == 1

    assert [path.name for path in tmp_path.iterdir()] == ["run"]
    assert {path.name for path in output.iterdir()} == {
        "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "speech_acts.json",
        "training_config.yaml", "metrics.json", "README.md"}
    metrics = json.loads((output / "metrics.json").read_text(encoding="utf-8"))
    for split, path in (("validation", CORPUS_DIR / "dev.jsonl"), ("test (corpus)", CORPUS_DIR / "test.jsonl")):
        # Every sentence scored exactly once, though each process predicted half of them.
        assert sum(c["support"] for c in metrics[split]["per_class"].values()) == sentences_in(path)
    assert sum(metrics["data"]["train"].values()) == 120
    assert json.loads((output / "speech_acts.json").read_text())["temperature"] == metrics["temperature"]
