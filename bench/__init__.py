"""Ally's benchmarks: each figure measured against a baseline taken in the same run.

Run ``make bench`` (or ``.venv/bin/python -m bench.run``; ``--quick`` for a fast try).
The printed table and ``bench/RESULTS.md`` give every figure with its goal.
"""
