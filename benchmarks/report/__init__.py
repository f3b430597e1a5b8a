"""Benchmark of the HTML report: size, build time and load time in headless Chromium,
side by side with Optuna's equivalent figures in one page."""
