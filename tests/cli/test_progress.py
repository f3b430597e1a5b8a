"""Progress lines and ETA: known answers for made-up statuses."""

from __future__ import annotations

import io

from rich.console import Console

from hypersense import StudyDirection, TrialState
from hypersense.cli.progress import ProgressView, eta_s, format_duration, start_line, trial_line
from hypersense.config import RunStatus
from hypersense.trial import FrozenTrial

_BEST = FrozenTrial(number=1, state=TrialState.COMPLETE, values=(0.25,))


def _status(**changes: object) -> RunStatus:
    fields: dict[str, object] = {
        "study_name": "s",
        "directions": (StudyDirection.MINIMIZE,),
        "n_target": 10,
        "n_done_before": 2,
        "n_done": 4,
        "n_new": 2,
        "elapsed_s": 12.0,
        "trial": FrozenTrial(number=3, state=TrialState.COMPLETE, values=(0.5,)),
        "best_trials": (_BEST,),
    }
    fields.update(changes)
    return RunStatus(**fields)  # type: ignore[arg-type]


def test_eta_is_the_pace_since_the_first_finished_trial_times_the_trials_left() -> None:
    # The first trial took 10 s (workers starting, imports); the next two 1 s each.
    first = _status(n_done=3, n_new=1, elapsed_s=10.0)
    assert eta_s(_status(n_done=5, n_new=3, elapsed_s=12.0), first) == 2.0 / 2 * 5
    # No ETA before two trials after the first have finished: one trial says little.
    assert eta_s(first, first) is None
    assert eta_s(_status(n_done=4, n_new=2, elapsed_s=11.0), first) is None
    assert eta_s(_status(), None) is None
    assert eta_s(_status(n_target=None), first) is None
    assert format_duration(3725.4) == "1:02:05" and format_duration(None) == "-"


def test_trial_lines_known_answers() -> None:
    assert trial_line(_status()) == (
        "trial 3 COMPLETE value=0.5 | best 0.25 (trial 1) | 4/10 | elapsed 0:00:12 | ETA -"
    )
    first = _status(n_done=2, n_new=0, elapsed_s=6.0)
    assert trial_line(_status(), first).endswith("| ETA 0:00:18")
    pruned = FrozenTrial(number=4, state=TrialState.PRUNED, intermediate_values={0: 0.1, 1: 0.2})
    assert trial_line(_status(trial=pruned)).startswith("trial 4 PRUNED at step 1 | best")
    failed = FrozenTrial(number=5, state=TrialState.FAIL, fail_reason="ValueError: x")
    assert trial_line(_status(trial=failed, best_trials=())).startswith(
        "trial 5 FAIL (ValueError: x) | best - | 4/10"
    )
    front = (_BEST, _BEST)
    multi = _status(directions=(StudyDirection.MINIMIZE,) * 2, best_trials=front)
    assert "| best Pareto front of 2 trials |" in trial_line(multi)


def test_start_lines() -> None:
    first = _status(n_done=0, n_new=0, trial=None, best_trials=())
    assert (
        start_line(first, "sqlite:///a.db")
        == "study 's' in sqlite:///a.db (new): running 10 trials"
    )
    resumed = _status(n_done=4, n_new=0, trial=None)
    assert start_line(resumed, "u") == "study 's' in u (resuming at 4/10): running 6 trials"
    done = _status(n_done=10, n_new=0, trial=None)
    assert start_line(done, "u") == "study 's' in u: 10/10 trials already; nothing to run"


def test_plain_view_prints_one_line_per_trial() -> None:
    buffer = io.StringIO()
    view = ProgressView(Console(file=buffer, width=200), storage="u", live=False)
    with view:
        view.update(_status(n_done=2, n_new=0, trial=None))
        view.update(_status())
    assert buffer.getvalue().splitlines() == [
        "study 's' in u (resuming at 2/10): running 8 trials",
        trial_line(_status(), _status()),
    ]
    assert view.last == _status()


def test_live_view_draws_a_bar_with_done_target_and_best() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=True, color_system=None)
    with ProgressView(console, storage="u", live=True, auto_refresh=False) as view:
        view.update(_status(n_done=2, n_new=0, trial=None))
        view.update(_status(n_done=3, n_new=1, elapsed_s=9.0))
        view.update(_status(n_done=4, n_new=2, elapsed_s=10.0))
        assert "ETA 0:00:" not in buffer.getvalue()  # two trials: too few for a pace
        view.update(_status(n_done=5, n_new=3, elapsed_s=11.0))
    text = buffer.getvalue()
    assert "5/10" in text and "best 0.25 (trial 1)" in text and "ETA 0:00:05" in text
