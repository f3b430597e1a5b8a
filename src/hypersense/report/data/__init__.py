"""Figure data: ``build_<figure>_data(study)`` returns a frozen dataclass (or None
when the study holds no data for that figure yet).

Each builder takes a :class:`~hypersense.study.Study` or a
:class:`StudySnapshot` (the study read once, which tests can build from
hand-made trials). Renderers in :mod:`hypersense.report.render` turn the
dataclasses into figures; the terminal summary reads the same dataclasses.
"""

from hypersense.report.data.curves import (
    CurveForecastMark,
    LearningCurvesData,
    PruningSavings,
    RungMarks,
    TrialCurve,
    build_learning_curves_data,
    build_pruning_savings,
)
from hypersense.report.data.execution import (
    StateCountsData,
    TimelineBar,
    TimelineData,
    build_state_counts_data,
    build_timeline_data,
)
from hypersense.report.data.history import HistoryData, build_history_data
from hypersense.report.data.importance import (
    ImportanceData,
    InteractionData,
    InteractionSurface,
    MarginalCurve,
    MarginalData,
    ParameterImportance,
    build_marginal_data,
)
from hypersense.report.data.lr import (
    LR_RANGE_TEST_ATTR,
    LRBatchSizeData,
    LRRangeCurve,
    LRRangeTestData,
    LRScheduleData,
    build_lr_batch_size_data,
    build_lr_range_test_data,
    build_lr_schedule_data,
    lr_batch_size_data,
    lr_range_test_data,
)
from hypersense.report.data.noise import (
    Estimate,
    NoiseData,
    ReevaluationData,
    ReevaluationRow,
    RepeatRow,
    build_noise_data,
    build_reevaluation_data,
    noise_data_from_analysis,
    reevaluation_data_from_result,
)
from hypersense.report.data.overview import (
    BestTrialData,
    EnvironmentData,
    OverviewData,
    build_overview_data,
)
from hypersense.report.data.parallel import (
    AxisData,
    ParallelCoordinatesData,
    build_parallel_coordinates_data,
)
from hypersense.report.data.pareto import ParetoData, build_pareto_data
from hypersense.report.data.sensitivity import (
    TornadoBarData,
    TornadoData,
    build_tornado_data,
    tornado_data_from_local,
)
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.report.data.training import (
    WEIGHT_HISTOGRAMS_ATTR,
    LayerHistogram,
    ParamCountData,
    WeightDistributionData,
    build_param_count_data,
    build_weight_distribution_data,
)

__all__ = [
    "LR_RANGE_TEST_ATTR",
    "WEIGHT_HISTOGRAMS_ATTR",
    "AxisData",
    "BestTrialData",
    "EnvironmentData",
    "Estimate",
    "HistoryData",
    "ImportanceData",
    "InteractionData",
    "InteractionSurface",
    "LRBatchSizeData",
    "LRRangeCurve",
    "LRRangeTestData",
    "LRScheduleData",
    "LayerHistogram",
    "LearningCurvesData",
    "MarginalCurve",
    "MarginalData",
    "NoiseData",
    "OverviewData",
    "ParallelCoordinatesData",
    "ParamCountData",
    "ParameterImportance",
    "ParetoData",
    "PruningSavings",
    "ReevaluationData",
    "ReevaluationRow",
    "RepeatRow",
    "CurveForecastMark",
    "RungMarks",
    "StateCountsData",
    "StudySnapshot",
    "TimelineBar",
    "TimelineData",
    "TornadoBarData",
    "TornadoData",
    "TrialCurve",
    "WeightDistributionData",
    "as_snapshot",
    "build_history_data",
    "build_learning_curves_data",
    "build_lr_batch_size_data",
    "build_lr_range_test_data",
    "build_lr_schedule_data",
    "build_marginal_data",
    "build_noise_data",
    "build_overview_data",
    "build_parallel_coordinates_data",
    "build_param_count_data",
    "build_pareto_data",
    "build_pruning_savings",
    "build_reevaluation_data",
    "build_state_counts_data",
    "build_timeline_data",
    "build_tornado_data",
    "build_weight_distribution_data",
    "lr_batch_size_data",
    "lr_range_test_data",
    "noise_data_from_analysis",
    "reevaluation_data_from_result",
    "tornado_data_from_local",
]
