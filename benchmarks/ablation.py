"""The ablation behind the shipped default: encoder start x training data, on real and written text.

Usage::

    python benchmarks/ablation.py --init-encoder models/news-bert-mini --mlm-encoder runs/pretrain_news/encoder

Fine-tunes six models with ``python -m training.train`` (configs/scratch.yaml for the
from-scratch rows, configs/tiny.yaml for the encoder rows): {from scratch, subword-vector
initialization, that plus masked-LM pretraining} x {written corpus only, written plus real
train}, each selected and calibrated on real dev. Then scores each, and the keyword and TF-IDF
baselines (trained on written plus real train), on real test, written test and the seed
article, and prints one table. Runs go to ``--out`` (default ``runs/ablation``); rows whose
folder already holds a model are scored again, not retrained (``--retrain`` to force).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from inference import LABELS
from training.evaluate import main as evaluate
from training.train import main as train

DATA = {"real test": "seeds/real/test.jsonl", "written test": "seeds/corpus/test.jsonl",
        "seed article": "seeds/000_b10947e7783b1602.gold.jsonl"}
TRAIN = {"written": "[seeds/corpus/train.jsonl]", "written+real": "[seeds/corpus/train.jsonl, seeds/real/train.jsonl]"}
BASELINE_TRAIN = ["seeds/corpus/train.jsonl", "seeds/real/train.jsonl"]


def rows(init_encoder: str | None, mlm_encoder: str | None) -> list[tuple[str, str, list[str]]]:
    """``(name, config, overrides)`` of every fine-tuning run."""
    starts = [("from scratch", "configs/scratch.yaml", [])]
    if init_encoder:
        starts.append(("subword vectors", "configs/tiny.yaml", ["--model_name_or_path", init_encoder]))
    if mlm_encoder:
        starts.append(("subword vectors + MLM", "configs/tiny.yaml", ["--model_name_or_path", mlm_encoder]))
    return [(f"{start}, {data}", config, [*overrides, "--train_file", files])
            for start, config, overrides in starts for data, files in TRAIN.items()]


def main() -> None:
    """Run the ablation and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--init-encoder", help="encoder folder after the subword-vector stage")
    parser.add_argument("--mlm-encoder", help="encoder folder after masked-LM pretraining")
    parser.add_argument("--out", type=Path, default=Path("runs/ablation"))
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--only", help="run only the rows whose name contains this (e.g. 'MLM, written+real')")
    args = parser.parse_args()
    table = {}
    for name, config, overrides in rows(args.init_encoder, args.mlm_encoder):
        if args.only and args.only not in name:
            continue
        folder = args.out / name.replace(" ", "_").replace(",", "").replace("+", "plus")
        minutes = None
        if args.retrain or not (folder / "metrics.json").is_file():
            started = time.monotonic()
            train(["--config", config, *overrides, "--output_dir", str(folder), "--disable_tqdm", "true"])
            minutes = (time.monotonic() - started) / 60
            (folder / "fine_tune_minutes.json").write_text(json.dumps({"minutes": minutes}))
        elif (folder / "fine_tune_minutes.json").is_file():
            minutes = json.loads((folder / "fine_tune_minutes.json").read_text())["minutes"]
        results = evaluate(["--model", str(folder), "--data", *DATA.values(), "--train-file", *BASELINE_TRAIN])
        # Real dev chose the epoch and the temperature; its figure is the one to rank rows by.
        dev = json.loads((folder / "metrics.json").read_text())["validation"]["macro_f1"]
        table[name] = {"scores": results, "minutes": minutes, "dev": dev}
    print_table(table)


def print_table(table: dict) -> None:
    """Macro-F1 on real dev (selection) and each data set, per-act F1 on real test, fine-tuning time."""
    names = {Path(path).parent.name + "-" + Path(path).stem: label for label, path in DATA.items()}
    header = ["system", "real dev", *DATA, *(f"real {label}" for label in LABELS[:3]), "fine-tune min"]
    lines = [header]
    first = next(iter(table.values()))["scores"]
    for name, row in table.items():
        scores = row["scores"]
        real = scores[next(k for k, v in names.items() if v == "real test")]["sentence_level"]
        lines.append([name, f"{row['dev']:.3f}", *(f"{scores[k]['sentence_level']['macro_f1']:.3f}" for k in names),
                      *(f"{real['per_class'][label]['f1']:.3f}" for label in LABELS[:3]),
                      "-" if row["minutes"] is None else f"{row['minutes']:.1f}"])
    for baseline in ("keyword", "tfidf_logreg"):
        real = first[next(k for k, v in names.items() if v == "real test")]["baselines"][baseline]
        lines.append([baseline, "-", *(f"{first[k]['baselines'][baseline]['macro_f1']:.3f}" for k in names),
                      *(f"{real['per_class'][label]['f1']:.3f}" for label in LABELS[:3]), "-"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print("\nablation: macro-F1 (and per-act F1 on real test)")
    for number, line in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))


if __name__ == "__main__":
    main()
