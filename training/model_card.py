"""The model card (``README.md``) written into every trained model folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from inference import LABELS

from .reports import format_report_markdown

_LIMITATIONS = """\
- Trained on the data listed below: the hand-written corpus and, by default, real news sentences
  labeled stand-off (see `seeds/README.md`). Real agency copy is noisier and more indirect than the
  written corpus; the real test split is the figure to trust.
- One label per sentence: a sentence that carries two acts gets the one ranked first
  (refusal > warning > demand); acts spread across sentences are not linked.
- Sentences longer than the maximum length are truncated and labeled from their beginning.
- Dialectal Arabic, social-media text and non-news genres were not part of training.
- Scores are calibrated by one temperature fitted on the validation split; calibration on
  other text is not guaranteed.
"""


def write_model_card(
    output_dir: str | Path, model_args: Any, data_args: Any, config: dict[str, Any], metrics: dict[str, Any]
) -> Path:
    """Write ``README.md`` describing the model, its data, config and figures.

    Args:
        output_dir: The model folder.
        model_args: The parsed :class:`~training.arguments.ModelArguments`.
        data_args: The parsed :class:`~training.arguments.DataTrainingArguments`.
        config: The config as used (YAML keys after overrides).
        metrics: What training wrote to ``metrics.json``.

    Returns:
        The path of the card.
    """
    base = model_args.model_name_or_path or (
        f"none: BERT built from scratch ({model_args.config_overrides}), WordPiece vocabulary of "
        f"{model_args.tokenizer_vocab_size} trained on the train split"
    )
    data_rows = "\n".join(
        f"| {split} | {', '.join(metrics['data_files'][split])} | {sum(counts.values())} | "
        + " | ".join(str(counts.get(label, 0)) for label in LABELS)
        + " |"
        for split, counts in metrics["data"].items()
    )
    sections = [
        "---\nlanguage: ar\nlibrary_name: transformers\npipeline_tag: text-classification\n"
        f"tags: [arabic, speech-acts, news]\nbase_model: {model_args.model_name_or_path or 'none'}\n---\n",
        "# Arabic news speech-act classifier\n",
        "Labels every sentence of an Arabic news article as **demand**, **warning**, **refusal** or "
        "**background**. Load it with `inference.Classifier.from_pretrained(folder)`; sentences are split "
        "and normalized by the `inference` package using the settings in `speech_acts.json`.\n",
        f"- Base model: {base}\n- Text normalization: {model_args.normalization} "
        f"({model_args.arabert_model_name})\n- Maximum length: {data_args.max_seq_length} tokens\n"
        f"- Softmax temperature (fitted on validation): {metrics['temperature']:.3f}\n",
        "## Data\n",
        "| split | file | sentences | " + " | ".join(LABELS) + " |\n|" + "---|" * (3 + len(LABELS)) + "\n"
        + data_rows + "\n",
    ]
    for split in metrics["data"]:
        if split != "train":
            table = format_report_markdown({"this model": metrics[split], **metrics["baselines"].get(split, {})})
            ece = metrics[split].get("ece_uncalibrated")
            note = ""
            if ece is not None:
                note = f"\nECE before calibration: {ece:.3f}; after: {metrics[split]['ece']:.3f}.\n"
            sections.append(f"## Results: {split}\n\n{table}\n{note}")
    sections += [
        "Baselines: `keyword` (cue-verb lexicon, refusal > warning > demand), `tfidf_logreg` (TF-IDF "
        "character 2–5-grams, logistic regression) trained on the same train files.\n",
        "## Training config\n",
        "```yaml\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False) + "```\n",
        "## Limitations\n",
        _LIMITATIONS,
    ]
    path = Path(output_dir) / "README.md"
    path.write_text("\n".join(sections), encoding="utf-8")
    return path
