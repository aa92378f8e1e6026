"""Inference speed, side by side, in one process and on the same sentences.

Paths:
  (a) transformers.pipeline("text-classification") called once per sentence;
  (b) the same pipeline with batch_size=32;
  (c) Classifier.classify_many (length-sorted batches, per-batch padding, dedup, one tokenization);
  (d) the same with the int8 fast path (dynamic quantization of the linear layers).

Usage:
  python benchmarks/inference.py --random-arabert-size --articles 40
  python benchmarks/inference.py --model runs/tiny --articles 200 --stream-articles 5000

Input: real articles from ../shared/corpora/ant-news when present, else the project's corpus.
``--random-arabert-size`` builds a BertForSequenceClassification with AraBERT-base's shape
(vocabulary 64,000, 12 layers, hidden 768, 4 labels) and random weights, with a tokenizer
trained locally; speed does not depend on the weights.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from inference import LABELS, Classifier, split_sentences
from training.news_corpus import iter_news_articles, news_corpus_available, resolve_news_corpus_path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "seeds" / "corpus"


def rss_mib() -> float:
    """Current resident memory of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_articles(limit: int, skip: int = 0) -> tuple[list[str], str]:
    """Up to ``limit`` article texts: ant-news blocks if present, else the corpus."""
    if news_corpus_available():
        articles = []
        for article in iter_news_articles():
            articles.append(article.text)
            if len(articles) >= limit + skip:
                break
        return articles[skip:], str(resolve_news_corpus_path())
    from training.data import load_corpus

    articles = [a["text"] for split in ("train", "dev", "test") for a in load_corpus(CORPUS / f"{split}.jsonl")]
    return articles[skip : skip + limit], "seeds/corpus"


def build_random_arabert_size(folder: Path, texts: list[str]) -> Path:
    """A random-weight model folder with AraBERT-base's shape and a locally trained tokenizer."""
    from training.random_model import build_random_model_folder

    return build_random_model_folder(
        folder,
        texts,
        "vocab_size=64000,hidden_size=768,num_hidden_layers=12,num_attention_heads=12,intermediate_size=3072",
        vocab_size=64000,
    )


def matmul_peak_gflops(seconds: float = 2.0) -> float:
    """Measured FP32 matrix-multiply throughput of this machine (the ceiling's basis)."""
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    torch.mm(a, b)
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.mm(a, b)
        runs += 1
    return runs * 2 * 2048**3 / (time.perf_counter() - start) / 1e9


def flops_per_token(model: torch.nn.Module, tokens_per_sentence: float) -> float:
    """Forward FLOPs per token: 2 x non-embedding weights, plus attention over the sentence."""
    config = model.config
    weights = sum(p.numel() for name, p in model.named_parameters() if "embeddings" not in name)
    attention = 4 * config.num_hidden_layers * config.hidden_size * tokens_per_sentence
    return 2 * weights + attention


def timed(label: str, run, sentences: int, tokens: int, results: dict) -> np.ndarray:
    rss_before = rss_mib()
    start = time.perf_counter()
    predictions = run()
    seconds = time.perf_counter() - start
    results[label] = {"seconds": seconds, "sentences_per_s": sentences / seconds, "tokens_per_s": tokens / seconds,
                      "rss_mib": rss_mib(), "rss_growth_mib": rss_mib() - rss_before}
    print(f"  {label}: {sentences / seconds:.1f} sentences/s ({seconds:.1f} s)", flush=True)
    return predictions


def pipeline_labels(pipe, sentences: list[str], batch_size: int | None, max_length: int) -> np.ndarray:
    kwargs = {"truncation": True, "max_length": max_length}
    if batch_size is None:
        outputs = [pipe(sentence, **kwargs)[0] for sentence in sentences]
    else:
        outputs = [out[0] if isinstance(out, list) else out
                   for out in pipe(sentences, batch_size=batch_size, **kwargs)]
    return np.array([LABELS.index(out["label"]) for out in outputs])


def classifier_labels(classifier: Classifier, articles: list[str]) -> np.ndarray:
    return np.array([LABELS.index(p.label) for preds in classifier.classify_many(articles) for p in preds])


def stream_memory(model_dir: Path, articles: int, batch_size: int) -> None:
    """Stream many articles through classify_many and print RSS along the way."""
    classifier = Classifier.from_pretrained(model_dir, device="cpu", batch_size=batch_size)

    def texts():
        pool, _ = read_articles(500)
        for i in range(articles):
            yield pool[i % len(pool)] + f"\nرقم {i}."

    print(f"\nstreaming {articles} articles through classify_many (RSS in MiB):")
    start, sentences = time.perf_counter(), 0
    for count, predictions in enumerate(classifier.classify_many(texts()), start=1):
        sentences += len(predictions)
        if count % (articles // 10) == 0:
            print(f"  after {count:>5} articles ({sentences} sentences): RSS {rss_mib():.0f}", flush=True)
    print(f"  {sentences / (time.perf_counter() - start):.1f} sentences/s; peak RSS {peak_rss_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="a trained model folder")
    parser.add_argument("--random-arabert-size", action="store_true", help="random weights, AraBERT-base shape")
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32, help="batch size of path c and d")
    parser.add_argument("--skip-a", action="store_true", help="skip the slow per-sentence pipeline")
    parser.add_argument("--stream-articles", type=int, default=0, help="also stream N articles (memory check)")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if not (args.model or args.random_arabert_size):
        parser.error("give --model DIR or --random-arabert-size")

    from transformers import pipeline
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    articles, source = read_articles(args.articles)
    model_dir = args.model
    if args.random_arabert_size:
        pool, _ = read_articles(2000, skip=args.articles)
        model_dir = build_random_arabert_size(Path(tempfile.mkdtemp(prefix="arabert-size-")), pool)
    device = torch.device(args.device)
    fp32 = Classifier.from_pretrained(model_dir, device=device, batch_size=args.batch_size, precision="fp32")
    sentences = [s.text for article in articles for s in split_sentences(article)]
    normalized = [fp32.normalizer(s) for s in sentences]
    tokens = sum(len(ids) for ids in fp32.encode(sentences))
    max_length = fp32.settings.max_length
    mean_tokens = tokens / len(sentences)
    peak = matmul_peak_gflops()
    per_token = flops_per_token(fp32.model, mean_tokens)
    ceiling = peak * 1e9 / per_token / mean_tokens
    print(f"input: {len(articles)} articles, {len(sentences)} sentences, {mean_tokens:.1f} tokens/sentence "
          f"from {source}")
    print(f"model: {model_dir} ({sum(p.numel() for p in fp32.model.parameters()) / 1e6:.0f} M parameters); "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, {device}")
    print(f"FP32 matmul peak measured: {peak:.0f} GFLOP/s; {per_token / 1e6:.0f} MFLOP/token -> "
          f"ceiling {ceiling:.1f} sentences/s at {mean_tokens:.1f} tokens\n")

    pipe = pipeline("text-classification", model=fp32.model, tokenizer=fp32.tokenizer, device=device)
    results: dict[str, dict] = {}
    labels = {}
    if not args.skip_a:
        labels["a"] = timed("a pipeline, per sentence", lambda: pipeline_labels(pipe, normalized, None, max_length),
                            len(sentences), tokens, results)
    labels["b"] = timed("b pipeline, batch_size=32", lambda: pipeline_labels(pipe, normalized, 32, max_length),
                        len(sentences), tokens, results)
    labels["c"] = timed("c Classifier.classify_many", lambda: classifier_labels(fp32, articles),
                        len(sentences), tokens, results)
    if device.type == "cpu":
        fast = Classifier.from_pretrained(model_dir, device=device, batch_size=args.batch_size, precision="int8")
        name = "d classify_many, int8"
    else:
        fast = Classifier.from_pretrained(model_dir, device=device, batch_size=args.batch_size, precision="fp16")
        name = "d classify_many, fp16"
    labels["d"] = timed(name, lambda: classifier_labels(fast, articles), len(sentences), tokens, results)

    print(f"\n{'path':<30} {'sent/s':>8} {'tokens/s':>9} {'vs a':>6} {'vs b':>6} {'ceiling':>8} "
          f"{'agree b':>8} {'RSS MiB':>8}")
    for (key, row), name in zip(results.items(), labels):
        vs_a = f"{row['sentences_per_s'] / results[next(iter(results))]['sentences_per_s']:.2f}x" \
            if not args.skip_a else "-"
        vs_b = row["sentences_per_s"] / results["b pipeline, batch_size=32"]["sentences_per_s"]
        share = row["tokens_per_s"] * per_token / (peak * 1e9)
        agreement = float(np.mean(labels[name] == labels["b"]))
        print(f"{key:<30} {row['sentences_per_s']:>8.1f} {row['tokens_per_s']:>9.0f} {vs_a:>6} {vs_b:>5.2f}x "
              f"{share:>7.0%} {agreement:>8.1%} {row['rss_mib']:>8.0f}")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
    if args.stream_articles:
        stream_memory(model_dir, args.stream_articles, args.batch_size)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
