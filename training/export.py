"""Copy a trained model folder (or a pretrained encoder) for shipping: weights halved to fp16.

Usage::

    python -m training.export runs/tiny inference/default_model
    python -m training.export runs/pretrain_news/encoder models/news-bert-mini

Every file but the weights is copied as it is (tokenizer, ``config.json``, ``speech_acts.json``,
metrics, model card, learning curve); the weights are rewritten as fp16 safetensors, which halves
them on disk. Inference loads them back in the precision it runs in (fp32 on CPU). An existing
destination is refused unless ``--overwrite``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from safetensors.torch import load_file, save_file


def export_folder(source: str | Path, destination: str | Path, overwrite: bool = False) -> Path:
    """Copy ``source`` to ``destination`` with fp16 weights.

    Raises:
        FileNotFoundError: If ``source`` has no ``model.safetensors``.
        FileExistsError: If ``destination`` exists and ``overwrite`` is false.
    """
    source, destination = Path(source), Path(destination)
    weights = source / "model.safetensors"
    if not weights.is_file():
        raise FileNotFoundError(f"{weights}: missing; is {source} a model folder?")
    if destination.exists():
        if not overwrite:
            raise FileExistsError(f"{destination} exists; pass --overwrite to replace it")
        shutil.rmtree(destination)
    ignored = shutil.ignore_patterns("model.safetensors", "checkpoint-*", "evaluation", "*.bin", "*.pt")
    shutil.copytree(source, destination, ignore=ignored)
    tensors = {name: tensor.half() if tensor.is_floating_point() else tensor
               for name, tensor in load_file(str(weights)).items()}
    save_file(tensors, str(destination / "model.safetensors"), metadata={"format": "pt"})
    return destination


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m training.export", description=__doc__.split("\n\n")[0])
    parser.add_argument("source")
    parser.add_argument("destination")
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    try:
        folder = export_folder(args.source, args.destination, args.overwrite)
    except (FileNotFoundError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    size = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
    print(f"{folder}: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
