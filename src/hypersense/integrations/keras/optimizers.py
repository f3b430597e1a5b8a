"""A training recipe's optimiser and weight penalties as Keras objects.

:func:`build_optimizer` gives the Keras optimiser of a
:class:`~hypersense.torch.TrainingRecipe` at its learning-rate schedule
(:func:`~hypersense.integrations.keras.lr_schedule`), as close to
``hypersense.torch``'s PyTorch optimiser as Keras allows: the same betas,
momentum, Nesterov flag, PyTorch's epsilons and RMSprop decay (0.99), and
``grad_clip_norm`` as Keras's ``global_clipnorm`` (one norm over every
gradient, as ``clip_grad_norm_``).

Weight decay differs between the two libraries. AdamW's is decoupled in both
(``w -= lr * weight_decay * w`` each step). For SGD, Adam and RMSprop PyTorch
adds ``weight_decay * w`` to the gradient, which Keras's optimisers cannot do;
the gradient of ``weight_decay / 2 * sum(w**2)`` is that very term, so
:func:`regularizer` carries it, with the recipe's own ``l1`` and ``l2``
penalties. Give the regularizer to every layer's kernel and bias, as
``hypersense.torch`` penalises every parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypersense.integrations.keras._backend import import_keras
from hypersense.integrations.keras.schedules import as_recipe
from hypersense.torch.recipe import TrainingRecipe

keras = import_keras()

__all__ = ["build_optimizer", "regularizer"]

# PyTorch's defaults, which hypersense.torch's optimisers use.
_TORCH_EPSILON = 1e-8
_TORCH_RMSPROP_DECAY = 0.99


def build_optimizer(recipe: TrainingRecipe | Mapping[str, Any], *, learning_rate: Any) -> Any:
    """The Keras optimiser of ``recipe`` at ``learning_rate``.

    Args:
        recipe: The training recipe (or its dict).
        learning_rate: The recipe's schedule from
            :func:`~hypersense.integrations.keras.lr_schedule` (or a float).

    Returns:
        A ``keras.optimizers.SGD``, ``Adam``, ``AdamW`` or ``RMSprop``.
    """
    recipe = as_recipe(recipe)
    common: dict[str, Any] = {"learning_rate": learning_rate}
    if recipe.grad_clip_norm is not None:
        common["global_clipnorm"] = recipe.grad_clip_norm
    optimizers = keras.optimizers
    if recipe.optimizer == "sgd":
        nesterov = recipe.nesterov and recipe.momentum > 0.0
        return optimizers.SGD(momentum=recipe.momentum, nesterov=nesterov, **common)
    if recipe.optimizer == "rmsprop":
        return optimizers.RMSprop(
            rho=_TORCH_RMSPROP_DECAY, momentum=recipe.momentum, epsilon=_TORCH_EPSILON, **common
        )
    betas = {"beta_1": recipe.beta1, "beta_2": recipe.beta2, "epsilon": _TORCH_EPSILON}
    if recipe.optimizer == "adamw":
        return optimizers.AdamW(weight_decay=recipe.weight_decay, **betas, **common)
    return optimizers.Adam(**betas, **common)


def regularizer(recipe: TrainingRecipe | Mapping[str, Any]) -> Any:
    """The penalty ``l1 * sum(|w|) + l2 * sum(w**2)`` of ``recipe`` for every weight,
    PyTorch's coupled weight decay included; None when there is none.

    ``l2`` is the recipe's ``l2`` plus ``weight_decay / 2`` for SGD, Adam and
    RMSprop (whose PyTorch weight decay is that penalty's gradient); AdamW's
    decay is the optimiser's own (see :func:`build_optimizer`).
    """
    recipe = as_recipe(recipe)
    l2 = recipe.l2
    if recipe.optimizer != "adamw":
        l2 += recipe.weight_decay / 2.0
    if recipe.l1 == 0.0 and l2 == 0.0:
        return None
    return keras.regularizers.L1L2(l1=recipe.l1, l2=l2)
