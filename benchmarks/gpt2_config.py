"""Hyper-parameters of the GPT-2-style benchmark model, importable without TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HParams:
    n_vocab: int = 8192
    n_ctx: int = 128
    n_embd: int = 256
    n_head: int = 8
    n_layer: int = 6

    @property
    def n_params(self) -> int:
        """Trainable parameters: embeddings, per block 2 norms + attention + MLP, final norm."""
        d = self.n_embd
        norms = 2 * 2 * d
        attention = (d * 3 * d + 3 * d) + (d * d + d)
        mlp = (d * 4 * d + 4 * d) + (4 * d * d + d)
        return self.n_vocab * d + self.n_ctx * d + self.n_layer * (norms + attention + mlp) + 2 * d


GPT2_SMALL = HParams(n_vocab=50257, n_ctx=1024, n_embd=768, n_head=12, n_layer=12)
