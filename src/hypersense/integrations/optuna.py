"""Optuna studies in and out: months of Optuna results analysed by hypersense.

:func:`import_study` reads an Optuna study (any storage Optuna opens: an RDB
URL such as ``sqlite:///optuna.db`` or ``postgresql://...``, or a journal
file) through the ``optuna`` package and writes it into a hypersense storage:
distributions, states, values (several objectives too), intermediate values,
user and system attributes and start/completion times. Every trial is
converted and checked before the first is written, so a trial Optuna's data
cannot describe (an unknown distribution, a value outside its range) stops
the import naming the trial and the field, with nothing written. Importing
again adds only the trials that are new since (each imported trial keeps its
Optuna number as the system attribute ``optuna_trial_number``); RUNNING and
WAITING trials are left out until they finish.

:func:`export_study` writes a hypersense study into an Optuna storage, so a
study can go back. Both need Optuna (``pip install "hypersense[optuna]"``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypersense._optional import import_optional
from hypersense.direction import StudyDirection
from hypersense.errors import DuplicatedStudyError, HypersenseError
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.storage.base import Storage, StudyRecord
from hypersense.storage.url import get_storage
from hypersense.study.added_trials import add_trials
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["ImportReport", "OptunaImportError", "export_study", "import_study"]

#: System attribute of an imported trial: its number in the Optuna study.
OPTUNA_NUMBER = "optuna_trial_number"
_PURPOSE = "importing and exporting Optuna studies"


class OptunaImportError(HypersenseError, ValueError):
    """An Optuna study holds something hypersense cannot represent; nothing was written."""


@dataclass(frozen=True)
class ImportReport:
    """What one study's import did.

    Attributes:
        study_name: The hypersense study written to.
        n_added: Trials added by this import.
        n_already: Trials found from an earlier import and skipped.
        n_unfinished: RUNNING or WAITING Optuna trials left out.
    """

    study_name: str
    n_added: int
    n_already: int
    n_unfinished: int


def _optuna() -> Any:
    return import_optional("optuna", extra="optuna", purpose=_PURPOSE)


@contextmanager
def _optuna_storage(optuna: Any, storage: Any, *, must_exist: bool) -> Iterator[Any]:
    """What Optuna opens for ``storage``: a storage object as given, a URL as an
    RDB storage whose connections are closed afterwards, a path (no ``://``) as
    the journal file there."""
    if not isinstance(storage, str):
        yield storage
        return
    if "://" in storage:
        rdb = optuna.storages.RDBStorage(storage)
        try:
            yield rdb
        finally:
            rdb.engine.dispose()  # Optuna leaves its pooled connections open
        return
    if must_exist and not Path(storage).is_file():
        raise FileNotFoundError(
            f"no Optuna journal file at {storage!r} (an RDB storage is a URL such as "
            "sqlite:///optuna.db)"
        )
    journal = optuna.storages.journal
    yield optuna.storages.JournalStorage(journal.JournalFileBackend(storage))


def _distribution(dist: Any, where: str) -> Distribution:
    """hypersense's distribution for an Optuna one (deprecated kinds included)."""
    kind = type(dist).__name__
    try:
        if kind == "FloatDistribution":
            return FloatDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
        if kind == "IntDistribution":
            return IntDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
        if kind == "CategoricalDistribution":
            return CategoricalDistribution(tuple(dist.choices))
        if kind == "UniformDistribution":
            return FloatDistribution(dist.low, dist.high)
        if kind == "LogUniformDistribution":
            return FloatDistribution(dist.low, dist.high, log=True)
        if kind == "DiscreteUniformDistribution":
            return FloatDistribution(dist.low, dist.high, step=dist.q)
        if kind == "IntUniformDistribution":
            return IntDistribution(dist.low, dist.high, step=dist.step)
        if kind == "IntLogUniformDistribution":
            return IntDistribution(dist.low, dist.high, log=True)
    except (ValueError, TypeError) as exc:
        raise OptunaImportError(f"{where}: {exc}") from None
    raise OptunaImportError(f"{where}: unknown Optuna distribution {kind}")


_STATES = {"COMPLETE": TrialState.COMPLETE, "PRUNED": TrialState.PRUNED, "FAIL": TrialState.FAIL}


def _converted(trial: Any, study_name: str) -> FrozenTrial | None:
    """The hypersense record of a finished Optuna trial (None for unfinished ones)."""
    where = f"Optuna study {study_name!r}, trial {trial.number}"
    state = _STATES.get(trial.state.name)
    if state is None:
        return None
    distributions = {
        name: _distribution(dist, f"{where}, parameter {name!r}")
        for name, dist in trial.distributions.items()
    }
    for name, value in trial.params.items():
        if name not in distributions or not distributions[name].contains(value):
            raise OptunaImportError(
                f"{where}, parameter {name!r}: {value!r} is not in {distributions.get(name)!r}"
            )
    values = None if trial.values is None else tuple(float(v) for v in trial.values)
    if state is TrialState.COMPLETE and (values is None or not all(map(math.isfinite, values))):
        raise OptunaImportError(f"{where}, values: a COMPLETE trial needs finite values")
    start, end = trial.datetime_start, trial.datetime_complete
    return FrozenTrial(
        number=-1,
        state=state,
        values=values,
        params=dict(trial.params),
        distributions=distributions,
        intermediate_values={int(s): float(v) for s, v in trial.intermediate_values.items()},
        user_attrs=dict(trial.user_attrs),
        system_attrs={**_prefixed(trial.system_attrs), OPTUNA_NUMBER: trial.number},
        started_at=None if start is None else start.timestamp(),
        completed_at=None if end is None else end.timestamp(),
        fail_reason="failed in Optuna" if state is TrialState.FAIL else None,
    )


def _prefixed(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Optuna's own system attributes, kept apart from hypersense's under ``optuna:``."""
    return {f"optuna:{key}": value for key, value in attrs.items()}


_PARAM_ROWS = """
SELECT t.number, p.param_name, p.distribution_json
FROM trial_params p
JOIN trials t ON p.trial_id = t.trial_id
JOIN studies s ON t.study_id = s.study_id
WHERE s.study_name = :name
ORDER BY t.number, p.param_name
"""


def _unreadable_trial(optuna: Any, source: Any, name: str, exc: Exception) -> str:
    """Which trial and parameter Optuna failed to decode, found by reading an RDB
    storage's ``trial_params`` rows directly (Optuna's own error names neither)."""
    fallback = f"Optuna study {name!r}: Optuna cannot read its trials ({exc})"
    url = source if isinstance(source, str) else getattr(source, "url", None)
    if not isinstance(url, str) or "://" not in url:
        return fallback
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sqlalchemy.text(_PARAM_ROWS), {"name": name}).all()
    except sqlalchemy.exc.SQLAlchemyError:
        return fallback
    finally:
        engine.dispose()
    for number, param, stored in rows:
        try:
            optuna.distributions.json_to_distribution(stored)
        except (ValueError, KeyError, TypeError) as bad:
            return (
                f"Optuna study {name!r}, trial {number}, parameter {param!r}: its stored "
                f"distribution {stored!r} cannot be read ({bad})"
            )
    return fallback


def _import_one(optuna: Any, source: Any, name: str, target: Storage, as_name: str) -> ImportReport:
    study = optuna.load_study(study_name=name, storage=source)
    directions = tuple(StudyDirection(d.name.lower()) for d in study.directions)
    try:
        trials = study.get_trials(deepcopy=False)
    except (ValueError, KeyError, TypeError) as exc:  # Optuna cannot decode a stored trial
        raise OptunaImportError(_unreadable_trial(optuna, source, name, exc)) from None
    converted = [_converted(t, name) for t in trials]
    finished = [c for c in converted if c is not None]
    try:
        record = target.create_study(
            as_name, directions, user_attrs=dict(study.user_attrs),
            system_attrs={"imported_from_optuna": name, **(
                {"metric_names": list(study.metric_names)} if study.metric_names else {})},
        )  # fmt: skip
    except DuplicatedStudyError:
        record = target.get_study(as_name)
        if record.directions != directions:
            raise OptunaImportError(
                f"study {as_name!r} exists in the target with directions "
                f"{[d.value for d in record.directions]}, not {[d.value for d in directions]}"
            ) from None
    seen = {
        t.system_attrs.get(OPTUNA_NUMBER)
        for t in target.get_trials(record.study_id)
        if OPTUNA_NUMBER in t.system_attrs
    }
    new = [t for t in finished if t.system_attrs[OPTUNA_NUMBER] not in seen]
    add_trials(target, record.study_id, new, len(directions))
    return ImportReport(as_name, len(new), len(finished) - len(new), len(converted) - len(finished))


def import_study(
    from_storage: Any,
    *,
    study_name: str | None = None,
    to_storage: str | Storage,
    as_name: str | None = None,
) -> list[ImportReport]:
    """Import one Optuna study (``study_name``) or all of them (None) into ``to_storage``.

    Args:
        from_storage: What ``optuna.load_study(storage=...)`` opens: an RDB URL,
            an Optuna storage object, or the path of a journal file (a
            string without ``://``).
        study_name: The study to import; None imports every study.
        to_storage: The hypersense storage (URL or object).
        as_name: The hypersense study's name (one study only; default: Optuna's).

    Returns:
        One report per study imported.

    Raises:
        OptunaImportError: A trial cannot be represented; the message names
            the study, the trial and the field. Nothing of that study is written.
    """
    optuna = _optuna()
    if study_name is None and as_name is not None:
        raise ValueError("`as_name` renames one study; give `study_name` too")
    target = get_storage(to_storage)
    with _optuna_storage(optuna, from_storage, must_exist=True) as source:
        if study_name is None:
            names = [s.study_name for s in optuna.get_all_study_summaries(storage=source)]
        else:
            names = [study_name]
        return [_import_one(optuna, source, n, target, as_name or n) for n in names]


def export_study(
    study_name: str,
    *,
    from_storage: str | Storage,
    to_storage: Any,
    as_name: str | None = None,
) -> int:
    """Write a hypersense study's finished trials into a new Optuna study; returns how many.

    ``to_storage`` is an Optuna RDB URL, an Optuna storage object, or the path
    of a journal file (created when missing).

    Raises:
        optuna.exceptions.DuplicatedStudyError: The Optuna study exists already.
    """
    optuna = _optuna()
    source = get_storage(from_storage)
    record = source.get_study(study_name)
    with _optuna_storage(optuna, to_storage, must_exist=False) as storage:
        target = optuna.create_study(
            study_name=as_name or study_name,
            storage=storage,
            directions=[d.value for d in record.directions],
        )
        return _export_trials(optuna, source, record, target)


def _export_trials(optuna: Any, source: Storage, record: StudyRecord, target: Any) -> int:
    """Copy the study's user attributes and finished trials into the Optuna ``target``."""
    for key, value in record.user_attrs.items():
        target.set_user_attr(key, value)
    exported = []
    for trial in source.get_trials(record.study_id):
        if not trial.state.is_finished:
            continue
        frozen = optuna.trial.create_trial(
            state=getattr(optuna.trial.TrialState, trial.state.name),
            values=trial.values if trial.state is TrialState.COMPLETE else None,
            params=dict(trial.params),
            distributions={n: _to_optuna(optuna, d) for n, d in trial.distributions.items()},
            user_attrs=dict(trial.user_attrs),
            intermediate_values={
                s: v for s, v in trial.intermediate_values.items() if math.isfinite(v)
            },
        )
        frozen.datetime_start = trial.datetime_start
        frozen.datetime_complete = trial.datetime_complete
        exported.append(frozen)
    target.add_trials(exported)
    return len(exported)


def _to_optuna(optuna: Any, dist: Distribution) -> Any:
    d = optuna.distributions
    if isinstance(dist, FloatDistribution):
        return d.FloatDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return d.IntDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
    assert isinstance(dist, CategoricalDistribution)
    return d.CategoricalDistribution(list(dist.choices))
