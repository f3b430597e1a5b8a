"""fit(amp=True) and fit(compile=True) on the CPU (the CUDA path, float16 with loss
scaling, needs a GPU: hypersense's tests have not run it)."""

from __future__ import annotations

import pytest
import torch

from hypersense.torch import fit
from hypersense.torch.precision import MixedPrecision
from tests.torch.helpers import accuracy, blobs

X, Y = blobs(96, seed=5)
RECIPE = {"optimizer": "adam", "lr": 0.01, "batch_size": 32, "grad_clip_norm": 1.0}


class DtypeRecorder(torch.nn.Module):
    """A two-layer MLP that records the dtype of its hidden activations."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = torch.nn.Linear(4, 16)
        self.out = torch.nn.Linear(16, 3)
        self.seen: set[torch.dtype] = set()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.hidden(x)
        self.seen.add(h.dtype)
        out: torch.Tensor = self.out(torch.relu(h))
        return out


def _fit(model: torch.nn.Module, **options: object) -> object:
    return fit(
        lambda: model,
        train=(X, Y),
        val=(X, Y),
        loss=torch.nn.functional.cross_entropy,
        metric=accuracy,
        direction="maximize",
        hparams=RECIPE,
        max_epochs=3,
        seed=0,
        **options,  # type: ignore[arg-type]
    )


def test_amp_on_the_cpu_computes_in_bfloat16_and_keeps_float32_weights() -> None:
    full, mixed = DtypeRecorder(), DtypeRecorder()
    mixed.load_state_dict(full.state_dict())  # the same start
    plain = _fit(full)
    amp = _fit(mixed, amp=True)
    assert full.seen == {torch.float32}
    assert mixed.seen == {torch.bfloat16}
    assert {p.dtype for p in mixed.parameters()} == {torch.float32}
    # bfloat16 keeps ~3 significant digits: close to the float32 run, not equal to it.
    assert amp.val_loss == pytest.approx(plain.val_loss, rel=0.05)  # type: ignore[attr-defined]
    assert amp.val_loss != plain.val_loss  # type: ignore[attr-defined]


def test_amp_refuses_a_device_it_does_not_support() -> None:
    with pytest.raises(ValueError, match=r"supports the devices 'cpu' .*got device 'meta'"):
        MixedPrecision(torch.device("meta"), enabled=True)
    with pytest.raises(ValueError, match="`amp` must be True or False"):
        _fit(DtypeRecorder(), amp="yes")
    assert MixedPrecision(torch.device("cpu"), enabled=True).dtype is torch.bfloat16
    assert MixedPrecision(torch.device("cpu"), enabled=False).dtype is None


# PyTorch's inductor imports torch.utils.mkldnn, which uses its own deprecated
# torch.jit.script_method: a warning of PyTorch about PyTorch.
@pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")
@pytest.mark.slow  # inductor compiles C++ kernels: ~10 s with a warm cache, ~40 s cold
def test_compile_trains_the_compiled_module_in_place() -> None:
    eager, compiled = DtypeRecorder(), DtypeRecorder()
    compiled.load_state_dict(eager.state_dict())
    plain = _fit(eager)
    result = _fit(compiled, compile=True)
    assert result.model is compiled  # type: ignore[attr-defined]
    assert list(compiled.state_dict()) == list(eager.state_dict())  # no "_orig_mod." prefix
    # Compiled kernels may order float sums differently: equal to rounding.
    assert result.val_loss == pytest.approx(plain.val_loss, rel=1e-4)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="`compile` must be True or False"):
        _fit(DtypeRecorder(), compile=1)
