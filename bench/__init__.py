"""Benchmarks: ``make bench`` (``python -m bench``). Figures and ratios, never assertions."""
