"""Least-squares problems with planted curvature, for known-answer range tests."""

from __future__ import annotations

from collections.abc import Sequence

import torch


def planted_least_squares(
    eigenvalues: Sequence[float], *, n: int = 256, seed: int = 0, noise: float = 0.1
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(x, y)`` whose ``xᵀx / n`` has exactly the given eigenvalues.

    ``x = √n · U diag(√λ) Qᵀ`` with orthonormal columns ``U`` (n, d) and an
    orthogonal ``Q`` (d, d), so ``xᵀx / n = Q diag(λ) Qᵀ``; ``y = x w + noise``.
    """
    g = torch.Generator().manual_seed(seed)
    d = len(eigenvalues)
    q, _ = torch.linalg.qr(torch.randn(d, d, generator=g, dtype=torch.float64))
    u, _ = torch.linalg.qr(torch.randn(n, d, generator=g, dtype=torch.float64))
    lam = torch.tensor(eigenvalues, dtype=torch.float64)
    x = n**0.5 * u @ torch.diag(lam.sqrt()) @ q.T
    y = x @ torch.randn(d, generator=g, dtype=torch.float64)
    y = y + noise * torch.randn(n, generator=g, dtype=torch.float64)
    return x.float(), y.float()


def half_mse(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``mean((o - t)²) / 2``: its Hessian in a linear model's weights is ``xᵀx / n``."""
    return 0.5 * ((outputs.squeeze(-1) - targets) ** 2).mean()


def linear_model(d: int) -> torch.nn.Module:
    """``y = w·x`` with ``w = 0``."""
    model = torch.nn.Linear(d, 1, bias=False)
    torch.nn.init.zeros_(model.weight)
    return model
