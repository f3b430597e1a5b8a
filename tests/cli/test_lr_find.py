"""``hypersense lr-find`` run as the real console script: the suggestion and its
interval, JSON, storing on a study, the report and plot of the stored curves,
batch sizes, configs, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.config.helpers import write_config

# 25 steps over 4 decades: a quick ramp that still falls and suggests.
QUICK = ["--steps", "25", "--seeds", "0,1", "--start-lr", "1e-4", "--end-lr", "1"]


def test_a_task_prints_the_suggestion_and_its_interval(hypersense) -> None:  # type: ignore[no-untyped-def]
    done = hypersense("lr-find", "--task", "torch-digits-mlp", *QUICK, "--param", "width=16")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert (
        "LR range test of torch-digits-mlp (adamw, batch 64, 2 seed(s) x 25 steps, lr 0.0001" in out
    )
    assert "suggested lr " in out and ", interval [" in out
    for rule in ("steepest", "valley", "minimum"):
        assert rule in out


def test_json_parses_and_the_study_gets_the_curves_for_report_and_plot(
    hypersense, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'lr.db'}"
    done = hypersense(
        "lr-find", "--task", "torch-digits-mlp", *QUICK, "--json", "--study", "mlp",
        "--storage", url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    low, high = record["interval"]
    assert low <= record["suggested_lr"] <= high
    assert set(record["suggestions"]) == {"steepest", "valley", "minimum"}
    assert record["settings"]["seeds"] == [0, 1] and record["settings"]["batch_size"] == 64
    assert len(record["curves"]) == 2 and record["study"] == "mlp"
    assert record["params"]["width"] == 63  # the middle of the task's log range
    page = tmp_path / "report.html"
    done = hypersense("report", "mlp", "--storage", url, "-o", str(page), "--analysis", "none")
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert 'id="figure-lr_range_test"' in html and "LR range test: suggested lr" in html
    done = hypersense("plot", "mlp", "lr-range", "--storage", url, "-o", str(tmp_path / "lr.svg"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "lr.svg").read_text(encoding="utf-8").startswith("<svg")


def test_a_config_gives_its_task_values_and_range_test_options(hypersense, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_config(
        tmp_path,
        """
        study_name: from-config
        task: torch-digits-mlp
        n_trials: 5
        space:
          width: 16
          depth: 1
          lr: {from_range_test: true, num_steps: 20, seeds: [3], span: 2.0}
        """,
    )
    done = hypersense("lr-find", str(path), "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["settings"]["num_steps"] == 20 and record["settings"]["seeds"] == [3]
    assert record["params"]["width"] == 16 and record["params"]["depth"] == 1
    assert record["search_range"]["span"] == 2.0
    assert record["search_range"]["low"] == record["interval"][0] / 2.0


def test_batch_sizes_fit_a_power_law(hypersense, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'lr.db'}"
    done = hypersense(
        "lr-find", "--task", "torch-digits-mlp", "--steps", "30", "--seeds", "0,1",
        "--batch-sizes", "32,64,128", "--json", "--study", "bs", "--storage", url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    study = json.loads(done.stdout)["batch_sizes"]
    assert [p["batch_size"] for p in study["points"]] == [32, 64, 128]
    fit = study["fit"]
    assert fit["low"] <= fit["exponent"] <= fit["high"] and "rule" in study["verdict"]
    done = hypersense(
        "plot", "bs", "lr_batch_size", "--storage", url, "-o", str(tmp_path / "b.svg")
    )
    assert done.returncode == 0, done.stderr


def test_bad_input_exits_2_with_one_line(hypersense, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    neither = hypersense("lr-find")
    assert neither.returncode == 2 and "give a CONFIG.yaml or --task NAME" in neither.stderr
    unknown = hypersense("lr-find", "--task", "torch-digits-rnn")
    assert unknown.returncode == 2 and "unknown task 'torch-digits-rnn'" in unknown.stderr
    sklearn = hypersense("lr-find", "--task", "sklearn-digits-mlp")
    assert sklearn.returncode == 2 and "is not one" in sklearn.stderr
    param = hypersense("lr-find", "--task", "torch-digits-mlp", "--param", "depthh=2")
    assert param.returncode == 2 and "unknown parameter(s) ['depthh']" in param.stderr
    bad = hypersense("lr-find", "--task", "torch-digits-mlp", "--start-lr", "1", "--end-lr", "0.1")
    assert bad.returncode == 2 and "`start_lr` must be < `end_lr`" in bad.stderr
