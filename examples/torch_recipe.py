"""Tune the training recipe of a small MLP on scikit-learn's 8x8 digits with PyTorch.

Run: ``python examples/torch_recipe.py`` (needs ``pip install "hypersense[torch]"``).
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import hypersense as hs
from hypersense.pruners import MedianPruner
from hypersense.torch import fit


def main(n_trials: int = 30, max_epochs: int = 20) -> hs.Study:
    """Search optimiser, schedule, regularisation and batch size; prune bad trials."""
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, test_size=0.25, random_state=0)

    def accuracy(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return (outputs.argmax(dim=1) == targets).float().mean()

    def objective(trial: hs.Trial) -> float:
        width = trial.suggest_int("width", 16, 128, log=True)
        result = fit(
            lambda: torch.nn.Sequential(
                torch.nn.Linear(64, width), torch.nn.ReLU(), torch.nn.Linear(width, 10)
            ),
            train=(x_train, y_train),
            val=(x_val, y_val),
            loss=torch.nn.functional.cross_entropy,
            metric=accuracy,
            direction="maximize",
            hparams=trial,
            max_epochs=max_epochs,
            patience=5,
            n_threads=1,
        )
        return result.best_value

    study = hs.create_study(direction="maximize", pruner=MedianPruner(n_warmup_steps=3))
    study.optimize(objective, n_trials=n_trials)
    return study


if __name__ == "__main__":
    best = main().best_trial
    print(f"best accuracy {best.value:.3f} with {dict(best.params)}")
