"""Mixed precision for one training run: autocast and, on CUDA, loss scaling.

With ``amp=True`` the forward passes (and the loss) run under
``torch.autocast``: in bfloat16 on the CPU, in float16 on CUDA. float16 has too
few exponent bits for small gradients, so on CUDA the loss is scaled up before
the backward pass by a ``GradScaler`` that unscales the gradients before
clipping and skips the steps whose gradients overflowed; bfloat16 has float32's
range and needs no scaling. Parameters and optimiser state stay in float32.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import torch

from hypersense.torch.regularization import clip_gradients

__all__ = ["MixedPrecision"]

#: The autocast type of each device type ``amp=True`` supports.
_AMP_DTYPES = {"cpu": torch.bfloat16, "cuda": torch.float16}


class MixedPrecision:
    """How one run computes: full precision, or autocast (+ loss scaling on CUDA).

    Args:
        device: The device the run trains on.
        enabled: Use mixed precision; False keeps everything in full precision.

    Raises:
        ValueError: ``enabled`` on a device type other than ``cpu`` and ``cuda``.
    """

    def __init__(self, device: torch.device, *, enabled: bool) -> None:
        if not isinstance(enabled, bool):
            raise ValueError(f"`amp` must be True or False (got {enabled!r})")
        if enabled and device.type not in _AMP_DTYPES:
            raise ValueError(
                f"`amp=True` supports the devices 'cpu' (bfloat16) and 'cuda' (float16); "
                f"got device {str(device)!r}"
            )
        self._device_type = device.type
        self._enabled = enabled
        self._dtype = _AMP_DTYPES.get(device.type) if enabled else None
        self._scaler = torch.amp.GradScaler("cuda") if enabled and device.type == "cuda" else None

    def __repr__(self) -> str:
        return f"MixedPrecision(device_type={self._device_type!r}, enabled={self._enabled!r})"

    @property
    def enabled(self) -> bool:
        """Whether forward passes run under autocast."""
        return self._enabled

    @property
    def dtype(self) -> torch.dtype | None:
        """The autocast type (bfloat16 on CPU, float16 on CUDA), or None."""
        return self._dtype

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """The context of a forward pass and its loss."""
        if not self._enabled:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self._device_type, dtype=self._dtype)

    def step(
        self,
        loss: torch.Tensor,
        optimizer: torch.optim.Optimizer,
        params: Sequence[torch.Tensor],
        grad_clip_norm: float | None,
    ) -> None:
        """Back-propagate ``loss``, clip the (unscaled) gradients, step the optimiser."""
        if self._scaler is None:
            torch.autograd.backward(loss)
            clip_gradients(params, grad_clip_norm)
            optimizer.step()
            return
        torch.autograd.backward(self._scaler.scale(loss))
        if grad_clip_norm is not None:
            self._scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            clip_gradients(params, grad_clip_norm)
        self._scaler.step(optimizer)
        self._scaler.update()

    def state_dict(self) -> dict[str, Any]:
        """The loss scaler's state (empty without one), for a checkpoint."""
        return {} if self._scaler is None else dict(self._scaler.state_dict())

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the loss scaler's state saved by :meth:`state_dict`."""
        if self._scaler is not None and state:
            self._scaler.load_state_dict(state)
