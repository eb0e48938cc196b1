"""Benchmarks: `python3 -m bench.build_time`, `python3 -m bench.serve_time`, `python3 -m bench.history_time`
(run from the repository root). They print figures beside their goals; they are not tests."""
