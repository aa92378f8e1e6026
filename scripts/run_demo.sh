#!/usr/bin/env bash
# The main job, offline: set up, check the corpus, train the small model on it
# (configs/tiny.yaml), then label every sentence of the seed article.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
python -m training.corpus check
python -m training.train --config configs/tiny.yaml --disable_tqdm true
python -m inference --model runs/tiny seeds/000_b10947e7783b1602.txt \
  --output runs/seed_predictions.jsonl --html runs/seed.html --format table --no-progress
