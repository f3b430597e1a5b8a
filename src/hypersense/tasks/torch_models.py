"""The models of the PyTorch tasks: an MLP, a small CNN for 8x8 images, augmentation.

Every architectural hyperparameter is an argument, so a task's parameters map
one to one onto a model. Randomness (initial weights, dropout masks,
augmentation draws) comes from PyTorch's global generator, which the training
helper seeds for each run (see :func:`hypersense.torch.seeding.seeded_global_rngs`).
"""

from __future__ import annotations

import math

from hypersense._optional import import_optional

import_optional("torch", extra="torch", purpose="a PyTorch built-in task")

import torch  # noqa: E402
from torch import nn  # noqa: E402

__all__ = [
    "ACTIVATIONS",
    "IMAGE_SIDE",
    "NORMALIZATIONS",
    "RandomShiftRotate",
    "SmallCNN",
    "augment_images",
    "build_mlp",
]

#: Activation functions by name.
ACTIVATIONS: dict[str, type[nn.Module]] = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}
#: Normalisations of an MLP's hidden layers: none, batch norm or layer norm.
NORMALIZATIONS = ("none", "batch", "layer")
#: Side of the digits images, in pixels.
IMAGE_SIDE = 8


def _activation(name: str) -> nn.Module:
    if name not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {list(ACTIVATIONS)} (got {name!r})")
    return ACTIVATIONS[name]()


def build_mlp(
    n_inputs: int,
    n_outputs: int,
    *,
    width: int,
    depth: int,
    dropout: float,
    activation: str,
    normalization: str,
) -> nn.Sequential:
    """A multi-layer perceptron: ``depth`` hidden layers of ``width`` units.

    Each hidden layer is Linear -> normalisation -> activation -> dropout; the
    output layer is a plain Linear (logits, or the regression value).

    Args:
        n_inputs: Input features.
        n_outputs: Outputs (classes, or 1 for regression).
        width: Units per hidden layer, >= 1.
        depth: Hidden layers, >= 1.
        dropout: Drop probability after each hidden layer, in [0, 1).
        activation: A key of :data:`ACTIVATIONS`.
        normalization: One of :data:`NORMALIZATIONS`.
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError(
            f"`normalization` must be one of {list(NORMALIZATIONS)} (got {normalization!r})"
        )
    layers: list[nn.Module] = []
    size = n_inputs
    for _ in range(depth):
        layers.append(nn.Linear(size, width))
        if normalization == "batch":
            layers.append(nn.BatchNorm1d(width))
        elif normalization == "layer":
            layers.append(nn.LayerNorm(width))
        layers.append(_activation(activation))
        if dropout > 0.0:
            layers.append(nn.Dropout(dropout))
        size = width
    layers.append(nn.Linear(size, n_outputs))
    return nn.Sequential(*layers)


def augment_images(
    images: torch.Tensor, angles_rad: torch.Tensor, shifts_px: torch.Tensor
) -> torch.Tensor:
    """Rotate each image about its centre, then shift it; vacated pixels become 0.

    Rotation is counterclockwise as the image is displayed (row 0 at the top):
    +90 degrees equals ``torch.rot90(images, 1, dims=(-2, -1))``. A shift of
    ``(dx, dy)`` moves the content ``dx`` pixels right and ``dy`` pixels down;
    integer shifts without rotation move pixels exactly (bilinear sampling at
    pixel centres).

    Args:
        images: Shape ``(n, channels, height, width)``.
        angles_rad: Shape ``(n,)``, rotation angles in radians.
        shifts_px: Shape ``(n, 2)``, ``(dx, dy)`` in pixels.

    Returns:
        Shape ``(n, channels, height, width)``.
    """
    n, _, height, width = images.shape
    cos, sin = torch.cos(angles_rad), torch.sin(angles_rad)
    rotation = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    # affine_grid works in coordinates where the image spans [-1, 1]: a pixel is
    # 2 / side long. An output point p samples the input at R (p - d).
    scale = torch.tensor([2.0 / width, 2.0 / height], dtype=images.dtype, device=images.device)
    offset = -(rotation @ (shifts_px.to(images.dtype) * scale).unsqueeze(-1))
    theta = torch.cat([rotation, offset], dim=-1).to(images.dtype)
    grid = nn.functional.affine_grid(
        theta, [n, images.shape[1], height, width], align_corners=False
    )
    return nn.functional.grid_sample(
        images, grid, mode="bilinear", padding_mode="zeros", align_corners=False
    )


class RandomShiftRotate(nn.Module):
    """Training-time augmentation: a random rotation and integer shift per image.

    In training mode each image is rotated by an angle drawn uniformly from
    ``[-max_rotation_deg, max_rotation_deg]`` and shifted by integers drawn
    uniformly from ``[-max_shift_px, max_shift_px]`` on each axis; in eval mode
    (validation, test) images pass unchanged.

    Args:
        max_shift_px: Largest shift in pixels, >= 0.
        max_rotation_deg: Largest rotation in degrees, >= 0.
    """

    def __init__(self, *, max_shift_px: int, max_rotation_deg: float) -> None:
        super().__init__()
        if max_shift_px < 0 or max_rotation_deg < 0:
            raise ValueError(
                "`max_shift_px` and `max_rotation_deg` must be >= 0 "
                f"(got {max_shift_px!r}, {max_rotation_deg!r})"
            )
        self.max_shift_px = int(max_shift_px)
        self.max_rotation_deg = float(max_rotation_deg)

    def extra_repr(self) -> str:
        return f"max_shift_px={self.max_shift_px}, max_rotation_deg={self.max_rotation_deg}"

    @property
    def is_identity(self) -> bool:
        """Whether the augmentation never changes an image."""
        return self.max_shift_px == 0 and self.max_rotation_deg == 0.0

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Augment ``images`` of shape ``(n, channels, height, width)`` when training."""
        if not self.training or self.is_identity:
            return images
        n = images.shape[0]
        limit = math.radians(self.max_rotation_deg)
        angles = (torch.rand(n) * 2.0 - 1.0) * limit
        shifts = torch.randint(-self.max_shift_px, self.max_shift_px + 1, (n, 2))
        return augment_images(images, angles.to(images.device), shifts.to(images.device))


class SmallCNN(nn.Module):
    """A small convolutional network for 8x8 single-channel images.

    Layout (``c`` = ``channels``): augmentation; block 0: 3x3 conv to ``c``
    channels; block 1: 3x3 conv to ``2c`` channels, 2x2 max-pool, flatten;
    block 2: dense layer to ``hidden`` units with dropout; then the linear
    ``head`` giving the logits. Each conv is followed by batch norm (if asked)
    and the activation. Inputs of shape ``(n, 64)`` are read as 8x8 images.

    The three blocks are the *body* a transfer-learning recipe freezes from the
    bottom up; the head is what it re-initialises.

    Args:
        n_classes: Outputs of the head.
        channels: Channels of the first conv, >= 1 (the second has twice as many).
        hidden: Units of the dense layer, >= 1.
        batch_norm: Batch normalisation after each conv.
        dropout: Drop probability before the head, in [0, 1).
        activation: A key of :data:`ACTIVATIONS`.
        max_shift_px: Augmentation: largest shift in pixels (0: none).
        max_rotation_deg: Augmentation: largest rotation in degrees (0: none).
    """

    def __init__(
        self,
        n_classes: int,
        *,
        channels: int,
        hidden: int = 64,
        batch_norm: bool = False,
        dropout: float = 0.0,
        activation: str = "relu",
        max_shift_px: int = 0,
        max_rotation_deg: float = 0.0,
    ) -> None:
        super().__init__()
        self.augment = RandomShiftRotate(
            max_shift_px=max_shift_px, max_rotation_deg=max_rotation_deg
        )
        wide = 2 * channels
        pooled = wide * (IMAGE_SIDE // 2) ** 2
        self.blocks = nn.ModuleList(
            [
                nn.Sequential(*_conv(1, channels, batch_norm), _activation(activation)),
                nn.Sequential(
                    *_conv(channels, wide, batch_norm),
                    _activation(activation),
                    nn.MaxPool2d(2),
                    nn.Flatten(),
                ),
                nn.Sequential(
                    nn.Linear(pooled, hidden), _activation(activation), nn.Dropout(dropout)
                ),
            ]
        )
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of shape ``(n, n_classes)`` for images ``(n, 64)`` or ``(n, 1, 8, 8)``."""
        if x.dim() == 2:
            x = x.reshape(x.shape[0], 1, IMAGE_SIDE, IMAGE_SIDE)
        x = self.augment(x)
        for block in self.blocks:
            x = block(x)
        out: torch.Tensor = self.head(x)
        return out


def _conv(n_in: int, n_out: int, batch_norm: bool) -> list[nn.Module]:
    # A bias before batch norm is cancelled by its centring: leave it out.
    layers: list[nn.Module] = [nn.Conv2d(n_in, n_out, 3, padding=1, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(n_out))
    return layers
