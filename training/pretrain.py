"""Pretrain a small Arabic news encoder with masked-LM, using the Hugging Face ``Trainer``.

Usage::

    python -m training.pretrain --config configs/pretrain_news.yaml [--key value ...]
    python -m training.pretrain --config configs/pretrain_news.yaml --resume_from_checkpoint true

Stages, each cached in ``output_dir`` so that a killed run resumes where it stopped:

1. **Text.** Sentences of the raw news corpus (``news_corpus``) or of any ``.txt``, ``.txt.gz``
   or ``.jsonl`` files (``train_files``), normalized as the fine-tuned model will see them.
   Articles listed in ``exclude_articles`` (the real dev and test stories) are left out.
2. **Tokenizer.** The deterministic WordPiece learner of :mod:`training.scratch`, on that text.
3. **Subword vectors.** gensim's ``FastText`` on the same text; each WordPiece's input
   embedding starts from the vector of its string (``embedding_init: fasttext``). The model
   after this stage is saved as ``<output_dir>/init`` (an encoder by itself).
4. **Masked-LM.** Sentences are tokenized, concatenated and cut into blocks of
   ``block_size`` tokens (``run_mlm``'s ``group_texts``); no next-sentence prediction. The
   vocabulary head runs only at masked positions (:class:`MaskedPositionsBertForMaskedLM`).
   Checkpoints are written every ``save_every_minutes``; ``max_time_minutes`` bounds a
   session (``touch <output_dir>/STOP`` ends it sooner, just as cleanly); held-out loss and
   accuracy are logged at every evaluation.

The output folder is an encoder: safetensors weights, tokenizer, ``config.json``,
``pretraining.json`` (normalization, figures, learning curve), a model card and a
learning-curve PNG. Fine-tune it with ``model_name_or_path: <folder>``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from torch import nn
from transformers import (
    AutoTokenizer,
    BertConfig,
    BertForMaskedLM,
    DataCollatorForLanguageModeling,
    HfArgumentParser,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    set_seed,
)
from transformers.modeling_outputs import MaskedLMOutput
from transformers.trainer_utils import get_last_checkpoint

from inference import TextNormalizer, split_sentences
from inference.normalization import DEFAULT_ARABERT_MODEL, NORMALIZERS

from .arguments import ConfigError, load_config, parse_overrides
from .news_corpus import NewsCorpusError, iter_news_articles
from .wordpiece import train_wordpiece_tokenizer

PRETRAINING_FILE = "pretraining.json"
STOP_FILE = "STOP"
"""Create ``<output_dir>/STOP`` to end a run early, with a checkpoint and the encoder folder written."""


@dataclass
class PretrainModelArguments:
    """Encoder size, tokenizer and embedding initialization."""

    config_overrides: str = field(
        default="hidden_size=256,num_hidden_layers=4,num_attention_heads=4,intermediate_size=1024",
        metadata={"help": "BertConfig overrides, 'key=value,key=value'."},
    )
    tokenizer_vocab_size: int = field(default=32000, metadata={"help": "WordPiece vocabulary learned on the text."})
    tokenizer_name: str | None = field(default=None, metadata={"help": "A saved tokenizer to use instead."})
    embedding_init: str = field(default="fasttext", metadata={"help": "'fasttext' or 'random'."})
    fasttext_epochs: int = field(default=3, metadata={"help": "Epochs of gensim FastText (skip-gram)."})
    fasttext_min_count: int = field(default=3, metadata={"help": "Words seen fewer times are skipped by FastText."})
    normalization: str = field(default="arabert", metadata={"help": f"One of {NORMALIZERS}."})
    arabert_model_name: str = field(default=DEFAULT_ARABERT_MODEL, metadata={"help": "AraBERT preprocessing."})

    def __post_init__(self) -> None:
        if self.embedding_init not in ("fasttext", "random"):
            raise ValueError(f"embedding_init must be 'fasttext' or 'random', got {self.embedding_init!r}")
        if self.normalization not in NORMALIZERS:
            raise ValueError(f"normalization must be one of {NORMALIZERS}, got {self.normalization!r}")


@dataclass
class PretrainDataArguments:
    """Raw text, held-out articles, blocks and masking."""

    news_corpus: str | None = field(
        default=None, metadata={"help": "The ANT news corpus file; default $SPEECH_ACTS_NEWS_CORPUS or ../shared."}
    )
    train_files: list[str] = field(
        default_factory=list, metadata={"help": "Other raw text: .txt (an article per blank-line block), "
                                        ".txt.gz, or .jsonl with a 'text' field. Replaces news_corpus if set."}
    )
    exclude_articles: str | None = field(
        default="seeds/real/heldout.txt", metadata={"help": "Keys of articles never to pretrain on."}
    )
    validation_articles: int = field(default=300, metadata={"help": "Articles held out for MLM loss/accuracy."})
    max_articles: int | None = field(default=None, metadata={"help": "Use only the first N articles (tests)."})
    block_size: int = field(default=64, metadata={"help": "Tokens per packed block."})
    mlm_probability: float = field(default=0.2, metadata={"help": "Share of tokens masked."})
    max_eval_blocks: int = field(default=2000, metadata={"help": "Held-out blocks scored at each evaluation."})


@dataclass
class PretrainRunArguments:
    """Session budget and checkpoint cadence."""

    max_time_minutes: float | None = field(default=None, metadata={"help": "Stop (and save) after this long."})
    save_every_minutes: float = field(default=5.0, metadata={"help": "Write a checkpoint this often."})
    eval_every_minutes: float = field(default=5.0, metadata={"help": "Score the held-out blocks this often."})


ARGUMENT_CLASSES = (PretrainModelArguments, PretrainDataArguments, PretrainRunArguments, TrainingArguments)


class MaskedPositionsBertForMaskedLM(BertForMaskedLM):
    """``BertForMaskedLM`` whose vocabulary head runs only where a token was masked.

    The stock model projects every position onto the vocabulary (``block × vocab`` logits);
    only the masked ~20% carry a loss, so the rest is wasted work. Weights and checkpoints are
    identical to ``BertForMaskedLM``'s. ``logits`` holds the masked positions only, in order.
    """

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
        """Encode, then score the masked positions only."""
        hidden = self.bert(
            input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, return_dict=True
        ).last_hidden_state
        if labels is None:
            return MaskedLMOutput(logits=self.cls(hidden))
        selected = labels != -100
        logits = self.cls(hidden[selected])
        loss = nn.functional.cross_entropy(logits.float(), labels[selected])
        return MaskedLMOutput(loss=loss, logits=logits)


# ---------------------------------------------------------------- text


def _raw_articles(data: PretrainDataArguments) -> Iterator[tuple[str | None, str]]:
    """``(key or None, article text)`` from the corpus or the named files."""
    if not data.train_files:
        for article in iter_news_articles(data.news_corpus):
            yield article.key, article.text
        return
    for name in data.train_files:
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"train_files: {path} not found")
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        try:
                            yield None, json.loads(line)["text"]
                        except (ValueError, KeyError, TypeError):
                            raise ConfigError(f"{path}:{number}: expected a JSON object with a 'text' field") from None
        else:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as handle:
                for block in handle.read().split("\n\n"):
                    if block.strip():
                        yield None, block.strip("\n")


def read_excluded(path: str | None) -> set[str]:
    """Article keys in an exclusion file (``kind<TAB>key[<TAB>stratum]`` or ``key`` lines, ``#`` comments)."""
    if not path:
        return set()
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"exclude_articles: {file} not found")
    lines = [line for line in file.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    # seeds/real/heldout.txt lines are kind<TAB>key[<TAB>stratum]; a plain list holds one key per line.
    return {(line.split("\t")[1] if "\t" in line else line).strip() for line in lines}


def load_sentences(data: PretrainDataArguments, normalizer: TextNormalizer, seed: int) -> dict[str, list[str]]:
    """Normalized sentences, split into ``train`` and ``validation`` by article."""
    excluded = read_excluded(data.exclude_articles)
    articles = [text for key, text in _raw_articles(data) if key not in excluded]
    if data.max_articles:
        articles = articles[: data.max_articles]
    random.Random(seed).shuffle(articles)
    held = min(data.validation_articles, max(1, len(articles) // 10))
    splits = {"validation": articles[:held], "train": articles[held:]}
    return {
        name: [normalizer(s.text) for text in texts for s in split_sentences(text)] for name, texts in splits.items()
    }


def group_texts(token_ids: list[list[int]], block_size: int) -> np.ndarray:
    """Concatenate tokenized sentences and cut them into full blocks (``run_mlm``'s ``group_texts``)."""
    flat = np.fromiter((token for ids in token_ids for token in ids), dtype=np.int32)
    usable = (len(flat) // block_size) * block_size
    return flat[:usable].reshape(-1, block_size)


# ---------------------------------------------------------------- model


def fasttext_embeddings(
    sentences: list[str], tokenizer, dim: int, epochs: int, min_count: int, seed: int
) -> np.ndarray:
    """One vector per WordPiece, from gensim ``FastText`` trained on the sentences.

    Each vocabulary entry takes the vector of its string (``##`` stripped); FastText builds
    vectors for unseen strings from character n-grams. Special tokens keep small random
    vectors. Vectors are scaled to the BERT initializer's spread.
    """
    from gensim.models import FastText

    pre_tokenizer = tokenizer.backend_tokenizer.pre_tokenizer
    corpus = [[word for word, _ in pre_tokenizer.pre_tokenize_str(sentence)] for sentence in sentences]
    model = FastText(
        vector_size=dim, window=5, min_count=min_count, sg=1, min_n=2, max_n=5, workers=torch.get_num_threads(),
        seed=seed, epochs=epochs,
    )
    model.build_vocab(corpus_iterable=corpus)
    model.train(corpus_iterable=corpus, total_examples=len(corpus), epochs=epochs)
    vocab = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    rng = np.random.default_rng(seed)
    vectors = np.stack([
        rng.normal(0, 1, dim) if token in tokenizer.all_special_tokens else model.wv[token.removeprefix("##")]
        for token in vocab
    ]).astype(np.float32)
    vectors -= vectors.mean(axis=0)
    return vectors / vectors.std() * 0.02


def build_encoder(tokenizer, config_overrides: str, block_size: int) -> MaskedPositionsBertForMaskedLM:
    """A randomly initialized masked-LM BERT sized by ``config_overrides``."""
    config = BertConfig(
        vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, max_position_embeddings=max(128, block_size)
    )
    config.update_from_string(config_overrides)
    return MaskedPositionsBertForMaskedLM(config)


# ---------------------------------------------------------------- training


class BlocksDataset(torch.utils.data.Dataset):
    """Fixed-length token blocks, as ``input_ids`` examples."""

    def __init__(self, blocks: np.ndarray):
        self.blocks = torch.from_numpy(blocks.astype(np.int64))

    def __len__(self) -> int:
        return len(self.blocks)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {"input_ids": self.blocks[index]}


class TimedControl(TrainerCallback):
    """Save every few minutes, evaluate every few minutes, stop at the session's budget; log tokens/s."""

    def __init__(self, run: PretrainRunArguments, tokens_per_step: int):
        self.run = run
        self.tokens_per_step = tokens_per_step
        self.started = self.last_save = self.last_eval = time.monotonic()
        self.last_log = (self.started, None)

    def on_log(self, args, state, control, logs=None, **kwargs):
        """Add training speed in tokens per second to the progress logs."""
        now, step = time.monotonic(), state.global_step
        if logs is not None and "loss" in logs and self.last_log[1] is not None and step > self.last_log[1]:
            logs["tokens_per_s"] = round((step - self.last_log[1]) * self.tokens_per_step / (now - self.last_log[0]))
        if logs is not None and "loss" in logs:
            self.last_log = (now, step)

    def on_step_end(self, args, state, control, **kwargs):
        """Raise the save/evaluate/stop flags by wall-clock time."""
        now = time.monotonic()
        if now - self.last_eval >= self.run.eval_every_minutes * 60:
            control.should_evaluate, self.last_eval = True, now
        if now - self.last_save >= self.run.save_every_minutes * 60:
            control.should_save, self.last_save = True, now
        # A STOP file in the output folder ends the session the same way, from outside.
        out_of_time = self.run.max_time_minutes and now - self.started >= self.run.max_time_minutes * 60
        if out_of_time or Path(args.output_dir, STOP_FILE).exists():
            control.should_training_stop = control.should_save = control.should_evaluate = True
        return control


class MaskedLMTrainer(Trainer):
    """A ``Trainer`` that scores fixed, pre-masked held-out blocks: loss and accuracy."""

    def __init__(self, *args, eval_batch: dict[str, torch.Tensor], **kwargs):
        super().__init__(*args, **kwargs)
        self.eval_batch = eval_batch
        self.tokens_per_step = None

    def evaluate(self, eval_dataset=None, ignore_keys=None, metric_key_prefix: str = "eval") -> dict[str, float]:
        """Held-out masked-LM loss and accuracy (same masks every time)."""
        model = self.model.eval()
        losses, correct, total = 0.0, 0, 0
        size = self.args.per_device_eval_batch_size
        with torch.no_grad():
            for start in range(0, len(self.eval_batch["input_ids"]), size):
                batch = {
                    name: tensor[start : start + size].to(self.args.device) for name, tensor in self.eval_batch.items()
                }
                output = model(**batch)
                gold = batch["labels"][batch["labels"] != -100]
                losses += output.loss.item() * len(gold)
                correct += (output.logits.argmax(-1) == gold).sum().item()
                total += len(gold)
        model.train()
        metrics = {f"{metric_key_prefix}_loss": losses / total, f"{metric_key_prefix}_mlm_accuracy": correct / total}
        self.log(metrics)
        self.control = self.callback_handler.on_evaluate(self.args, self.state, self.control, metrics=metrics)
        return metrics


def masked_eval_batch(blocks: np.ndarray, collator, seed: int) -> dict[str, torch.Tensor]:
    """Mask the held-out blocks once, reproducibly."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        batch = collator([{"input_ids": torch.from_numpy(block.astype(np.int64))} for block in blocks])
    return {"input_ids": batch["input_ids"], "labels": batch["labels"]}


def parse_pretrain_config(config: dict[str, Any], source: str):
    """The four argument dataclasses from a flat config dict (unknown keys are named)."""
    fields = {name for cls in ARGUMENT_CLASSES for name in cls.__dataclass_fields__}
    unknown = sorted(set(config) - fields)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s): {', '.join(unknown)}")
    try:
        return HfArgumentParser(ARGUMENT_CLASSES).parse_dict(config)
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{source}: {error}") from None


def prepare(model_args, data_args, training_args, output_dir: Path):
    """Text, tokenizer, blocks and the initialized model; cached in ``output_dir/prepared``."""
    cache = output_dir / "prepared"
    normalizer = TextNormalizer(model_args.normalization, model_args.arabert_model_name)
    if (cache / "done").is_file():
        tokenizer = AutoTokenizer.from_pretrained(cache / "tokenizer")
        blocks = {name: np.load(cache / f"{name}.npy") for name in ("train", "validation")}
        return normalizer, tokenizer, blocks, None
    started = time.monotonic()
    sentences = load_sentences(data_args, normalizer, training_args.seed)
    print(f"text: {len(sentences['train'])} train and {len(sentences['validation'])} held-out sentences "
          f"({time.monotonic() - started:.0f}s)", flush=True)
    if model_args.tokenizer_name:
        tokenizer = AutoTokenizer.from_pretrained(model_args.tokenizer_name)
    else:
        tokenizer = train_wordpiece_tokenizer(sentences["train"], vocab_size=model_args.tokenizer_vocab_size)
    print(f"tokenizer: {len(tokenizer)} pieces ({time.monotonic() - started:.0f}s)", flush=True)
    blocks = {
        name: group_texts(tokenizer(texts, add_special_tokens=True)["input_ids"], data_args.block_size)
        for name, texts in sentences.items()
    }
    print(f"blocks: {len(blocks['train'])} train, {len(blocks['validation'])} held-out of {data_args.block_size} "
          f"tokens ({time.monotonic() - started:.0f}s)", flush=True)
    set_seed(training_args.seed)
    model = build_encoder(tokenizer, model_args.config_overrides, data_args.block_size)
    if model_args.embedding_init == "fasttext":
        vectors = fasttext_embeddings(
            sentences["train"], tokenizer, model.config.hidden_size, model_args.fasttext_epochs,
            model_args.fasttext_min_count, training_args.seed,
        )
        model.bert.embeddings.word_embeddings.weight.data.copy_(torch.from_numpy(vectors))
        print(f"fasttext embeddings ({time.monotonic() - started:.0f}s)", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(cache / "tokenizer")
    for name, array in blocks.items():
        np.save(cache / f"{name}.npy", array)
    init_record = {
        "stage": "init", "config_overrides": model_args.config_overrides, "vocab_size": len(tokenizer),
        "embedding_init": model_args.embedding_init, "fasttext_epochs": model_args.fasttext_epochs,
        "train_sentences": len(sentences["train"]), "minutes": round((time.monotonic() - started) / 60, 1),
    }
    save_encoder(model, tokenizer, output_dir / "init", normalizer, data_args, init_record)
    write_init_card(output_dir / "init", init_record)
    (cache / "done").write_text("ok\n")
    return normalizer, tokenizer, blocks, model


def save_encoder(model, tokenizer, folder: Path, normalizer: TextNormalizer, data_args, record: dict[str, Any]) -> None:
    """Write an encoder folder: fp32 weights (safetensors), tokenizer, config, ``pretraining.json``.

    Halving the weights for shipping is :mod:`training.export`'s job, as for classifiers.
    """
    folder.mkdir(parents=True, exist_ok=True)
    model.config.architectures = ["BertForMaskedLM"]
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    settings = {"normalization": normalizer.to_dict(), "block_size": data_args.block_size, **record}
    (folder / PRETRAINING_FILE).write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def learning_curve(log_history: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Held-out points of a run: step, loss, accuracy."""
    points = {
        entry["step"]: {"step": entry["step"], "loss": round(entry["eval_loss"], 4),
                        "accuracy": round(entry["eval_mlm_accuracy"], 4)}
        for entry in log_history
        if "eval_mlm_accuracy" in entry
    }
    return [points[step] for step in sorted(points)]


def plot_curve(curve: list[dict[str, float]], tokens_per_step: int, path: Path) -> None:
    """Held-out loss and accuracy against tokens seen, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tokens = [point["step"] * tokens_per_step / 1e6 for point in curve]
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    left.plot(tokens, [point["loss"] for point in curve], marker="o")
    left.set(xlabel="tokens seen (millions)", ylabel="held-out MLM loss")
    right.plot(tokens, [point["accuracy"] for point in curve], marker="o", color="tab:green")
    right.set(xlabel="tokens seen (millions)", ylabel="held-out MLM accuracy")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_init_card(folder: Path, record: dict[str, Any]) -> None:
    """The model card of the encoder after the subword-vector stage (no masked-LM yet)."""
    lines = [
        f"# {folder.name}: a small Arabic news encoder (subword-vector stage)",
        "",
        "A BERT encoder from `python -m training.pretrain`, stage 3: its input embeddings start from",
        "FastText subword vectors learned on the news corpus; the transformer layers are at their",
        "random initialization (no masked-LM steps). Fine-tune it with `model_name_or_path`.",
        "",
        f"- Size: {record['config_overrides']}, vocabulary {record['vocab_size']} WordPiece pieces.",
        f"- Data: {record['train_sentences']} normalized sentences of the news corpus; the real dev/test "
        "stories were excluded.",
        f"- Embeddings: {record['embedding_init']} ({record['fasttext_epochs']} epochs, skip-gram, character "
        "2-5-grams), each piece's vector taken from its string.",
        f"- Built in {record['minutes']} minutes on 2 CPU cores (text, tokenizer, blocks, FastText).",
        "",
    ]
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


def write_card(folder: Path, record: dict[str, Any]) -> None:
    """The encoder's model card."""
    curve = record.get("curve", [])
    last = curve[-1] if curve else {}
    lines = [
        f"# {folder.name}: a small Arabic news encoder",
        "",
        "A BERT encoder pretrained with masked-LM by `python -m training.pretrain`, for fine-tuning with",
        "`model_name_or_path`. Not a classifier by itself.",
        "",
        f"- Size: {record['config_overrides']}, vocabulary {record['vocab_size']} WordPiece pieces.",
        f"- Data: {record['data']}; {record['train_blocks']} blocks of {record['block_size']} tokens; "
        "the real dev/test stories were excluded.",
        f"- Embedding initialization: {record['embedding_init']}.",
        f"- Masked-LM: {record['mlm_probability']:.0%} masking, {record['steps']} steps, "
        f"{record['tokens_seen'] / 1e6:.1f}M tokens seen ({record['epochs']:.2f} epochs), "
        f"{record['train_minutes']:.0f} minutes of training.",
        f"- Held-out masked-LM: loss {last.get('loss', float('nan')):.3f}, accuracy {last.get('accuracy', 0):.1%}.",
        "",
        "![learning curve](learning_curve.png)",
        "",
        "| step | held-out loss | held-out accuracy |",
        "|---|---|---|",
        *(f"| {p['step']} | {p['loss']:.3f} | {p['accuracy']:.3f} |" for p in curve),
        "",
    ]
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Pretrain from a config file plus ``--key value`` overrides; returns the run's record."""
    parser = argparse.ArgumentParser(prog="python -m training.pretrain", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="YAML file in configs/")
    cli, rest = parser.parse_known_args(argv)
    config = load_config(cli.config, parse_overrides(rest, ARGUMENT_CLASSES), ARGUMENT_CLASSES)
    model_args, data_args, run_args, training_args = parse_pretrain_config(config, cli.config)
    output_dir = Path(training_args.output_dir)
    resume = training_args.resume_from_checkpoint
    if resume is True or str(resume).lower() in ("true", "last", "1"):
        resume = get_last_checkpoint(output_dir) if output_dir.is_dir() else None
        print(f"resuming from {resume}" if resume else "no checkpoint yet: starting", flush=True)
    elif resume is None and (output_dir / "prepared" / "done").is_file() and get_last_checkpoint(output_dir):
        raise ConfigError(f"{output_dir} holds checkpoints: pass --resume_from_checkpoint true, or another output_dir")

    Path(output_dir, STOP_FILE).unlink(missing_ok=True)
    normalizer, tokenizer, blocks, model = prepare(model_args, data_args, training_args, output_dir)
    if model is None:
        model = MaskedPositionsBertForMaskedLM.from_pretrained(output_dir / "init")
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=data_args.mlm_probability)
    tokens_per_step = training_args.per_device_train_batch_size * data_args.block_size * max(
        1, training_args.gradient_accumulation_steps) * max(1, training_args.world_size)
    eval_batch = masked_eval_batch(blocks["validation"][: data_args.max_eval_blocks], collator, training_args.seed)
    trainer = MaskedLMTrainer(
        model=model,
        args=training_args,
        train_dataset=BlocksDataset(blocks["train"]),
        data_collator=collator,
        callbacks=[TimedControl(run_args, tokens_per_step)],
        eval_batch=eval_batch,
    )
    started = time.monotonic()
    if not resume:
        trainer.evaluate()
    trainer.train(resume_from_checkpoint=resume)
    trainer.evaluate()
    minutes = (time.monotonic() - started) / 60
    # Sessions add up: the learning curve and the time come from every run before this one.
    history = trainer.state.log_history
    sessions_file = output_dir / "sessions.json"
    previous = json.loads(sessions_file.read_text()) if sessions_file.is_file() else []
    previous.append({"minutes": round(minutes, 1), "end_step": trainer.state.global_step})
    sessions_file.write_text(json.dumps(previous, indent=1) + "\n")
    curve = learning_curve(history)
    record = {
        "stage": "masked-lm",
        "config_overrides": model_args.config_overrides,
        "vocab_size": len(tokenizer),
        "embedding_init": model_args.embedding_init,
        "data": ", ".join(data_args.train_files) or f"news corpus ({data_args.news_corpus or 'shared copy'})",
        "train_blocks": int(len(blocks["train"])),
        "block_size": data_args.block_size,
        "mlm_probability": data_args.mlm_probability,
        "steps": trainer.state.global_step,
        "tokens_seen": trainer.state.global_step * tokens_per_step,
        "epochs": trainer.state.global_step * tokens_per_step / max(1, blocks["train"].size),
        "train_minutes": sum(session["minutes"] for session in previous),
        "sessions": previous,
        "curve": curve,
    }
    final = output_dir / "encoder"
    if final.exists():
        shutil.rmtree(final)
    save_encoder(trainer.model, tokenizer, final, normalizer, data_args, record)
    if curve:
        plot_curve(curve, tokens_per_step, final / "learning_curve.png")
    write_card(final, record)
    (final / "pretrain_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    last = curve[-1] if curve else {}
    print(f"\nencoder saved to {final}: {record['steps']} steps, {record['tokens_seen'] / 1e6:.1f}M tokens, "
          f"held-out loss {last.get('loss')}, accuracy {last.get('accuracy')}", flush=True)
    return record


def cli() -> None:
    """Console entry point (``speech-acts-pretrain``): errors as one line, exit status 2."""
    try:
        main()
    except (ConfigError, NewsCorpusError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    cli()
