"""Throughput of python -m inference.distributed against python -m inference, on the same input.

Usage:
  python benchmarks/distributed.py                      # 1,000 articles made from seed sentences, the shipped model
  python benchmarks/distributed.py --articles 3000 --model runs/tiny

Part 1 times the commands end to end, as a user runs them (each a fresh process; the distributed
one starts its own local Ray instance): the single-process command with torch's default threads
and with one, then Ray with 1 worker × 1 CPU, 2 workers × 1 CPU and 1 worker × 2 CPUs.

Part 2 takes the distributed cost apart, in this process with Ray already running: Ray start-up,
the fixed cost of a job (measured on a one-article input: actor processes, model loads, the
dataset plan), the labeling rate once the actors run, and the cost of sending the records back
to the driver through the object store.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inference.classifier import DEFAULT_MODEL_DIR, Classifier

ROOT = Path(__file__).resolve().parents[1]

CONFIGS = [("1 worker x 1 CPU", 1, 1), ("2 workers x 1 CPU", 2, 1), ("1 worker x 2 CPUs", 1, 2)]
SHARD = "100"  # lines per shard: 1,000 articles make 10 shards, enough to keep 2 workers busy to the end


def seed_sentences() -> list[str]:
    sentences = []
    for path in sorted((ROOT / "seeds" / "corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            sentences += [record["text"][s["start"] : s["end"]] for s in record["sentences"]]
    return sentences


def write_articles(path: Path, count: int, seed: int = 0) -> int:
    """``count`` articles of 3 to 8 written-corpus sentences, one per line; returns the sentence count.

    Each sentence starts with a number of its own. The corpus has 3,570 sentences, so 1,000
    articles repeat many, and classify_many labels a repeated sentence once per window of 2,048:
    the single process, whose window spans the whole input, would gain far more from that than a
    worker whose window is one shard, and a real archive repeats few sentences.
    """
    rng = random.Random(seed)
    sentences = seed_sentences()
    total = 0
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            drawn = rng.sample(sentences, rng.randint(3, 8))
            picked = [f"{total + j + 1} {sentence}" for j, sentence in enumerate(drawn)]
            total += len(picked)
            handle.write(json.dumps({"id": f"art-{i:05d}", "text": "\n".join(picked)}, ensure_ascii=False) + "\n")
    return total


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def timed_command(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed_job(inputs: Path, output: Path, model: str, workers: int, cpus: int) -> float:
    from inference.distributed import main as distributed

    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        status = distributed([str(inputs), "--output", str(output), "--model", model, "--no-progress",
                              "--workers", str(workers), "--cpus-per-worker", str(cpus), "--shard-size", SHARD])
    assert status == 0, f"the distributed job failed ({status})"
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--model", default=str(DEFAULT_MODEL_DIR))
    args = parser.parse_args()
    # Before Ray is imported, which reads them: a local instance on loopback addresses, no usage report.
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "in").mkdir()
        (work / "one").mkdir()
        inputs = work / "in" / "articles.jsonl"
        sentences = write_articles(inputs, args.articles)
        write_articles(work / "one" / "article.jsonl", 1, seed=1)
        n = args.articles
        print(f"input: {n} articles, {sentences} sentences ({sentences / n:.1f} per article), made from "
              f"seeds/corpus sentences; model {args.model}; {os.cpu_count()} CPU cores")
        print(f"load average at the start: {load_average()} (other jobs on the machine slow every row, "
              "and multi-threaded torch most)")

        print(f"distributed: --shard-size {SHARD}")
        print("\n== 1. the commands end to end (fresh processes; the distributed one starts a local Ray)")
        rows = []
        single = timed_command(["-m", "inference", "--model", args.model, str(inputs), "-o",
                                str(work / "single.jsonl"), "--no-progress"], env)
        rows.append(("python -m inference (1 process)", single))
        one_thread = timed_command(["-m", "inference", "--model", args.model, str(inputs), "-o",
                                    str(work / "single-1.jsonl"), "--no-progress", "--threads", "1"], env)
        rows.append(("python -m inference --threads 1", one_thread))
        for name, workers, cpus in CONFIGS:
            seconds = timed_command(["-m", "inference.distributed", "--model", args.model, str(inputs), "--output",
                                     str(work / f"cmd-{workers}-{cpus}"), "--no-progress", "--workers",
                                     str(workers), "--cpus-per-worker", str(cpus), "--shard-size", SHARD], env)
            rows.append((f"distributed, {name}", seconds))
        print(f"{'command':<44} {'seconds':>8} {'articles/s':>11} {'sentences/s':>12} {'vs single':>10}")
        for name, seconds in rows:
            print(f"{name:<44} {seconds:8.1f} {n / seconds:11.1f} {sentences / seconds:12.1f} "
                  f"{single / seconds:9.2f}x")

        print("\n== 2. where the time goes")
        single_fixed = timed_command(["-m", "inference", "--model", args.model, str(work / "one" / "article.jsonl"),
                                      "-o", str(work / "single-one.jsonl"), "--no-progress"], env)
        start = time.perf_counter()
        Classifier.from_pretrained(args.model, device="cpu")
        load = time.perf_counter() - start
        import ray

        start = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False, logging_level="error")
        ray_start = time.perf_counter() - start
        print(f"single process: start-up, imports and model load {single_fixed:.1f} s (a one-article run); "
              f"labeling {sentences / max(single - single_fixed, 1e-9):.0f} sentences/s after that")
        print(f"model load alone (torch already imported): {load:.2f} s")
        print(f"Ray start-up (local instance, {os.cpu_count()} CPUs): {ray_start:.1f} s")
        print(f"{'Ray already running':<24} {'fixed s':>8} {'job s':>7} {'articles/s':>11} "
              f"{'sentences/s, running':>21}")
        fixed_costs = []
        for name, workers, cpus in CONFIGS:
            fixed = timed_job(work / "one", work / f"one-{workers}-{cpus}", args.model, workers, cpus)
            job = timed_job(work / "in", work / f"job-{workers}-{cpus}", args.model, workers, cpus)
            fixed_costs.append(fixed)
            print(f"{name:<24} {fixed:8.1f} {job:7.1f} {n / job:11.1f} {sentences / max(job - fixed, 1e-9):21.0f}")
        records = b"".join(path.read_bytes() for path in sorted((work / "job-2-1").glob("part-*.jsonl")))
        start = time.perf_counter()
        for _ in range(5):
            assert len(ray.get(ray.put(records.decode("utf-8")))) > 0
        roundtrip = (time.perf_counter() - start) / 5
        ray.shutdown()
        print(f"records sent back to the driver: {len(records) / 2**20:.1f} MiB ({len(records) / n / 1024:.1f} KiB "
              f"per article); one object-store round trip of them: {roundtrip * 1000:.0f} ms")
        overhead = ray_start + min(fixed_costs) - single_fixed
        print(f"a distributed command costs about {overhead:.1f} s more to start than the single-process one "
              f"(Ray start-up {ray_start:.1f} s, plus a job's fixed {min(fixed_costs):.1f} s, less the "
              f"single process's own {single_fixed:.1f} s)")
        print(f"load average at the end: {load_average()}")
    print("""
Reading it:
- Ray start-up is paid once per command; a cluster that is already running skips it.
- Each job then starts its actors: a fresh Python process per worker that imports torch and
  transformers and loads the model (the 'fixed' column, measured on a one-article input). The
  single process pays its imports and model load too, but once, in the process that is already
  running, with nothing to schedule.
- Records go back to the driver through the object store as JSON text; the round trip above is
  that cost for the whole job. The driver alone writes and fsyncs every part file.
- On 2 cores, 2 workers x 1 thread have no more arithmetic than 1 process x 2 threads, so Ray
  cannot be faster here except where it avoids torch's thread contention: one-thread workers
  hold up better than a two-thread process when other jobs share the cores. Ray pays off with
  more cores or machines than one process can use: each worker labels its own shards, so the
  running rate grows with the workers while the driver keeps up.""")

if __name__ == "__main__":
    main()
