"""The task models: augmentation known answers, layer layouts, training-only noise."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from hypersense.tasks.torch_models import RandomShiftRotate, SmallCNN, augment_images, build_mlp

IMAGE = torch.arange(64.0).reshape(1, 1, 8, 8)


def test_an_integer_shift_moves_pixels_exactly_and_fills_zeros() -> None:
    out = augment_images(IMAGE, torch.zeros(1), torch.tensor([[1, 0]]))
    expected = torch.zeros_like(IMAGE)
    expected[..., 1:] = IMAGE[..., :-1]  # one pixel to the right
    assert torch.allclose(out, expected, atol=1e-5)
    down_left = augment_images(IMAGE, torch.zeros(1), torch.tensor([[-2, 1]]))
    expected = torch.zeros_like(IMAGE)
    expected[..., 1:, :-2] = IMAGE[..., :-1, 2:]
    assert torch.allclose(down_left, expected, atol=1e-5)


def test_a_quarter_turn_is_rot90_and_a_zero_transform_is_the_identity() -> None:
    turned = augment_images(IMAGE, torch.tensor([math.pi / 2]), torch.zeros(1, 2))
    assert torch.allclose(turned, torch.rot90(IMAGE, 1, dims=(-2, -1)), atol=1e-4)
    assert torch.allclose(augment_images(IMAGE, torch.zeros(1), torch.zeros(1, 2)), IMAGE)


def test_augmentation_acts_in_training_mode_only_and_stays_within_its_bounds() -> None:
    images = torch.rand(64, 1, 8, 8)
    layer = RandomShiftRotate(max_shift_px=2, max_rotation_deg=0.0)
    layer.eval()
    assert layer(images) is images
    layer.train()
    torch.manual_seed(0)
    shifted = layer(images)
    assert not torch.equal(shifted, images)
    # Pure integer shifts by at most 2: every image is one of the 25 exact shifts.
    candidates = [
        augment_images(images, torch.zeros(64), torch.tensor([[dx, dy]] * 64))
        for dx in range(-2, 3)
        for dy in range(-2, 3)
    ]
    matches = torch.stack([(c - shifted).abs().amax(dim=(1, 2, 3)) < 1e-5 for c in candidates]).any(
        dim=0
    )
    assert bool(matches.all())
    assert RandomShiftRotate(max_shift_px=0, max_rotation_deg=0.0).is_identity
    with pytest.raises(ValueError, match="max_shift_px"):
        RandomShiftRotate(max_shift_px=-1, max_rotation_deg=0.0)


def test_mlp_layout_follows_its_arguments() -> None:
    model = build_mlp(
        64, 10, width=32, depth=2, dropout=0.1, activation="gelu", normalization="layer"
    )
    kinds = [type(m) for m in model]
    layer = [nn.Linear, nn.LayerNorm, nn.GELU, nn.Dropout]
    assert kinds == [*layer, *layer, nn.Linear]
    assert model(torch.zeros(5, 64)).shape == (5, 10)
    plain = build_mlp(3, 1, width=4, depth=1, dropout=0.0, activation="tanh", normalization="none")
    assert [type(m) for m in plain] == [nn.Linear, nn.Tanh, nn.Linear]
    batch = build_mlp(3, 1, width=4, depth=1, dropout=0.0, activation="relu", normalization="batch")
    assert isinstance(batch[1], nn.BatchNorm1d)
    with pytest.raises(ValueError, match="`activation`"):
        build_mlp(3, 1, width=4, depth=1, dropout=0.0, activation="swish", normalization="none")
    with pytest.raises(ValueError, match="`normalization`"):
        build_mlp(3, 1, width=4, depth=1, dropout=0.0, activation="relu", normalization="group")


def test_small_cnn_reads_flat_or_image_inputs_and_counts_its_parameters() -> None:
    model = SmallCNN(10, channels=8, hidden=16)
    flat = torch.rand(3, 64)
    assert model(flat).shape == (3, 10)
    model.eval()
    assert torch.equal(model(flat), model(flat.reshape(3, 1, 8, 8)))
    # conv 1->8 (72 + 8), conv 8->16 (1152 + 16), dense 256->16 (4096 + 16), head 16->10 (170).
    assert sum(p.numel() for p in model.parameters()) == 80 + 1168 + 4112 + 170
    normed = SmallCNN(10, channels=8, hidden=16, batch_norm=True)
    convs = [m for m in normed.modules() if isinstance(m, nn.Conv2d)]
    assert all(c.bias is None for c in convs)  # batch norm's shift replaces the bias
    assert sum(isinstance(m, nn.BatchNorm2d) for m in normed.modules()) == 2
    assert len(model.blocks) == 3
