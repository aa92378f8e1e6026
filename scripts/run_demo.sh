#!/usr/bin/env bash
# The main job, offline: set up, then label the seed article with the model shipped in the
# package (seconds, no training). With the news corpus present (../shared/corpora/ant-news, or
# $SPEECH_ACTS_NEWS_CORPUS) it also checks both data sets and scores the shipped model on real
# and written test, with both baselines. Training the default is one more command:
#   python -m training.train --config configs/tiny.yaml
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
  python -m training.evaluate --model inference/default_model --out runs/evaluation-default \
    --data seeds/real/test.jsonl seeds/corpus/test.jsonl seeds/000_b10947e7783b1602.gold.jsonl
else
  echo "The news corpus was not found: data checks and evaluation skipped (see seeds/README.md)." >&2
fi
