"""Learning-curve extrapolation: parametric families and their weighted forecast."""

from hypersense.pruners.curves.families import FAMILIES, log_basis
from hypersense.pruners.curves.forecast import MIN_POINTS, CurveForecast, forecast_curve

__all__ = ["FAMILIES", "MIN_POINTS", "CurveForecast", "forecast_curve", "log_basis"]
