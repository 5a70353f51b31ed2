#!/usr/bin/env bash
# The benchmark on both databases, then the figure. Run from the repository root.
set -euo pipefail
rm -f /tmp/sustain-bench.sqlite3*
DATABASE_URL=sqlite:////tmp/sustain-bench.sqlite3 .venv/bin/python benchmarks/refreshers/bench.py "$@"
scripts/pg-throwaway .venv/bin/python benchmarks/refreshers/bench.py "$@"
.venv/bin/python benchmarks/refreshers/figure.py
rm -f /tmp/sustain-bench.sqlite3*
