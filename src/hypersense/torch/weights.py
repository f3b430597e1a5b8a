"""Per-layer weight histograms of a trained model, for the report's weight figure."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["weight_histograms"]


def weight_histograms(model: torch.nn.Module, *, n_bins: int = 30) -> dict[str, dict[str, Any]]:
    """Histograms of each layer's weights: ``{layer: {"edges", "counts"}}``.

    Layers are the parameters with two or more dimensions (weight matrices and
    convolution kernels: biases and normalisation scales say little about a
    layer's weights), named by their module path (``"blocks.0.0"``) in the
    model's order. ``counts[i]`` weights fall in ``[edges[i], edges[i + 1])``
    (the last bin includes its right edge); ``n_bins`` bins span each layer's
    own range.

    Args:
        model: A model on any device.
        n_bins: Bins per layer, >= 1.
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"`n_bins` must be an integer >= 1 (got {n_bins!r})")
    out: dict[str, dict[str, Any]] = {}
    for name, parameter in model.named_parameters():
        if parameter.dim() < 2:
            continue
        values = parameter.detach().to(torch.float64).cpu().numpy().ravel()
        values = values[np.isfinite(values)]
        if values.size == 0:
            continue
        low, high = float(values.min()), float(values.max())
        if low == high:  # one value: a bin of width 1 around it
            low, high = low - 0.5, high + 0.5
        counts, edges = np.histogram(values, bins=n_bins, range=(low, high))
        layer = name.removesuffix(".weight")
        out[layer] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    return out
