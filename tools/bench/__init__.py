"""Benchmarks (`manage.py bench sync|list`): figures as ratios to baselines of the same run."""
