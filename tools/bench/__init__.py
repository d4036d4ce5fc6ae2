"""Benchmarks (`manage.py bench sync|list|webhooks`): figures as ratios to baselines of the same run."""
