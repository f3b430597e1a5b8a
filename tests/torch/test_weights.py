"""Per-layer weight histograms: known answers on weights set by hand."""

from __future__ import annotations

import pytest
import torch

from hypersense.torch import weight_histograms


def test_known_weights_fall_in_known_bins() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[0.0, 1.0], [1.0, 4.0]]))
    hists = weight_histograms(model, n_bins=4)
    assert list(hists) == ["0"]  # the bias and the batch norm's 1-D scale are left out
    assert hists["0"] == {"edges": [0.0, 1.0, 2.0, 3.0, 4.0], "counts": [1, 2, 0, 1]}


def test_a_constant_layer_gets_a_unit_wide_range() -> None:
    model = torch.nn.Linear(3, 1, bias=False)
    torch.nn.init.constant_(model.weight, 0.25)
    (hist,) = weight_histograms(model, n_bins=2).values()
    assert hist == {"edges": [-0.25, 0.25, 0.75], "counts": [0, 3]}


def test_bins_must_be_a_positive_integer() -> None:
    with pytest.raises(ValueError, match="`n_bins` must be an integer >= 1"):
        weight_histograms(torch.nn.Linear(1, 1), n_bins=0)
