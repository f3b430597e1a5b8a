"""The optimiser a recipe names, built over a model's parameters."""

from __future__ import annotations

from collections.abc import Iterable

import torch

from hypersense.torch.recipe import TrainingRecipe

__all__ = ["build_optimizer"]


def build_optimizer(
    recipe: TrainingRecipe, parameters: Iterable[torch.nn.Parameter]
) -> torch.optim.Optimizer:
    """The optimiser of ``recipe`` (SGD, Adam, AdamW or RMSprop) at its base rate.

    Args:
        recipe: Gives ``optimizer``, ``lr``, ``weight_decay`` and the optimiser's
            own settings (``momentum``/``nesterov``, ``beta1``/``beta2``).
        parameters: The parameters to train.
    """
    params = list(parameters)
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(
            params,
            lr=recipe.lr,
            momentum=recipe.momentum,
            # Nesterov's update with zero momentum is plain SGD; torch refuses
            # the combination, so ask for the plain update it equals.
            nesterov=recipe.nesterov and recipe.momentum > 0,
            weight_decay=recipe.weight_decay,
        )
    betas = (recipe.beta1, recipe.beta2)
    if recipe.optimizer == "adam":
        return torch.optim.Adam(params, lr=recipe.lr, betas=betas, weight_decay=recipe.weight_decay)
    if recipe.optimizer == "adamw":
        return torch.optim.AdamW(
            params, lr=recipe.lr, betas=betas, weight_decay=recipe.weight_decay
        )
    return torch.optim.RMSprop(
        params, lr=recipe.lr, momentum=recipe.momentum, weight_decay=recipe.weight_decay
    )
