#!/usr/bin/env bash
# The main job, offline: set up, label the seed article with the model shipped in the package
# (seconds, no training), then train the default model (configs/tiny.yaml: the shipped news
# encoder fine-tuned on the written corpus plus real news) and evaluate it on real and written
# test. Training needs the news corpus (../shared/corpora/ant-news, or $SPEECH_ACTS_NEWS_CORPUS).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
mkdir -p runs
python -m inference seeds/000_b10947e7783b1602.txt \
  --output runs/seed_predictions.jsonl --html runs/seed.html --format table --no-progress
if python -c "from training.news_corpus import news_corpus_available as a; raise SystemExit(0 if a() else 1)"; then
  python -m training.corpus check
  python -m training.train --config configs/tiny.yaml --disable_tqdm true
  python -m training.evaluate --model runs/tiny
else
  echo "The news corpus was not found, so training is skipped; see seeds/README.md to get it." >&2
fi
