"""Time the narrative against `load_evidence` on synthetic data (issue 11's narrative target).

Writes contract-following synthetic data (`synergies.synthetic`, the shape `scripts/benchmark.py`
uses: 200 countries, 3 cases each, 60 outcomes, 8 domains) with N findings, then in one process
times `load_evidence`, `narrative.build` and rendering both languages, and prints the ratio of
build to load (target: at most 3). With --profile, prints the functions that take the time.

Usage: python scripts/benchmark_narrative.py [--findings 100000] [--countries 200] [--profile]
Do not run it at 10^6 findings on a shared machine.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from synergies import narrative
from synergies.load import load_evidence
from synergies.synthetic import write_synthetic


def main() -> int:
    """Write the data, time each stage, print one line per stage and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions of build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = write_synthetic(
            Path(tmp) / "data",
            n_findings=args.findings,
            n_countries=args.countries,
            cases_per_country=3,
            n_outcomes=60,
            n_domains=8,
        )
        start = time.perf_counter()
        ev = load_evidence(data)
        load = time.perf_counter() - start
        profiler = cProfile.Profile() if args.profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        built = narrative.build(ev)
        if profiler:
            profiler.disable()
        build = time.perf_counter() - start
        start = time.perf_counter()
        texts = {lang: narrative.render_markdown(built, lang) for lang in ("en", "es")}
        render = time.perf_counter() - start
    n_sentences = sum(1 for _ in built.sentences())
    print(f"findings: {args.findings}, countries: {args.countries}, sentences: {n_sentences}")
    print(f"load_evidence:        {load:8.2f} s")
    print(f"narrative.build:      {build:8.2f} s  ({build / load:.1f} x load)")
    print(f"render_markdown (2):  {render:8.2f} s  ({sum(len(t) for t in texts.values()):,} characters)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
