"""Masked-LM training speed: the project's step against a stock ``BertForMaskedLM``, same size.

Usage::

    python benchmarks/pretrain.py [--config-overrides ...] [--vocab 32000] [--steps 30]

Both models get identical weights and the same batches from ``DataCollatorForLanguageModeling``
(blocks of ``--block-size`` tokens, ``--mlm-probability`` masking); each runs forward, backward
and an AdamW step. The stock model projects every position onto the vocabulary; the project's
:class:`training.pretrain.MaskedPositionsBertForMaskedLM` projects only the masked ones. Prints
tokens/s of each and the speed-up.
"""

from __future__ import annotations

import argparse
import time

import torch
from tokenizers import Tokenizer, models
from transformers import BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling, PreTrainedTokenizerFast

from training.pretrain import MaskedPositionsBertForMaskedLM


def tokenizer_of_size(vocab: int) -> PreTrainedTokenizerFast:
    """A WordPiece tokenizer with ``vocab`` entries (only its special ids matter here)."""
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(vocab - 5)]
    backend = Tokenizer(models.WordPiece({piece: i for i, piece in enumerate(pieces)}, unk_token="[UNK]"))
    return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")


def tokens_per_second(model, batches, steps: int) -> float:
    """Training throughput over ``steps`` steps after two warm-up steps."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model.train()
    for index in range(steps + 2):
        if index == 2:
            start = time.perf_counter()
        batch = batches[index % len(batches)]
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    seconds = time.perf_counter() - start
    return steps * batches[0]["input_ids"].numel() / seconds


def main() -> None:
    """Run both and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config-overrides",
                        default="hidden_size=256,num_hidden_layers=4,num_attention_heads=4,intermediate_size=1024")
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--block-size", type=int, default=64)
    parser.add_argument("--mlm-probability", type=float, default=0.2)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()

    tokenizer = tokenizer_of_size(args.vocab)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=args.mlm_probability)
    generator = torch.Generator().manual_seed(0)
    batches = [
        collator([{"input_ids": ids} for ids in torch.randint(5, args.vocab, (args.batch_size, args.block_size),
                                                                generator=generator)])
        for _ in range(4)
    ]
    config = BertConfig(vocab_size=args.vocab, max_position_embeddings=max(128, args.block_size))
    config.update_from_string(args.config_overrides)
    torch.manual_seed(0)
    stock = BertForMaskedLM(config)
    ours = MaskedPositionsBertForMaskedLM(config)
    ours.load_state_dict(stock.state_dict())
    print(f"{args.config_overrides}, vocabulary {args.vocab}, batch {args.batch_size} x {args.block_size}, "
          f"{args.mlm_probability:.0%} masked, {torch.get_num_threads()} threads, torch {torch.__version__}")
    stock_speed = tokens_per_second(stock, batches, args.steps)
    print(f"  stock BertForMaskedLM + DataCollatorForLanguageModeling: {stock_speed:,.0f} tokens/s")
    our_speed = tokens_per_second(ours, batches, args.steps)
    print(f"  MaskedPositionsBertForMaskedLM (head at masked positions only): {our_speed:,.0f} tokens/s")
    print(f"  speed-up: {our_speed / stock_speed:.2f}x")


if __name__ == "__main__":
    main()
