#!/usr/bin/env python3
"""Turns JMH JSON results of the paired db_bench workloads into docs/benchmarks.md's table.

Usage: python3 bench/scripts/jmh_ratios.py fill.json read.json rww.json

Every workload that ran with engine=shaledb and engine=rocksdb becomes one row: mean operations per
second over the measured iterations (single-shot fills are converted with num), the range of the
iterations, and ShaleDB's mean divided by RocksDB's. The range is shown instead of JMH's 99.9 %
interval because three iterations give that interval a t-factor of about 32.
"""
import collections
import json
import sys


def ops_per_second(value, mode, num):
    return num / (value / 1000.0) if mode == "ss" else value


def rows(paths):
    out = collections.OrderedDict()
    for path in paths:
        with open(path) as f:
            results = json.load(f)
        for r in results:
            name = r["benchmark"].split(".")[-1]
            params = dict(r.get("params", {}))
            engine = params.pop("engine")
            num = int(params.pop("num", 0) or 0)
            metrics = [(name, r["primaryMetric"])]
            if "secondaryMetrics" in r and r["secondaryMetrics"]:
                metrics = [(f"{name} ({k})", m) for k, m in r["secondaryMetrics"].items()]
            for label, metric in metrics:
                raw = [x for fork in metric["rawData"] for x in fork]
                values = [ops_per_second(x, r["mode"], num) for x in raw]
                key = (label, tuple(sorted(params.items())), num)
                out.setdefault(key, {})[engine] = (sum(values) / len(values), min(values), max(values))
    return out


def fmt(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    return f"{x / 1e3:.0f}k" if x >= 1e4 else f"{x / 1e3:.1f}k"


def main(paths):
    print("| workload | parameters | ShaleDB ops/s (range) | RocksDB ops/s (range) | ratio |")
    print("|---|---|---|---|---|")
    for (name, params, num), engines in rows(paths).items():
        if "shaledb" not in engines or "rocksdb" not in engines:
            continue
        s, r = engines["shaledb"], engines["rocksdb"]
        shown = ", ".join(f"{k}={v}" for k, v in params) + f", num={num:,}"
        print(
            f"| {name} | {shown} | {fmt(s[0])} ({fmt(s[1])}–{fmt(s[2])}) "
            f"| {fmt(r[0])} ({fmt(r[1])}–{fmt(r[2])}) | **{s[0] / r[0]:.2f}×** |"
        )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
