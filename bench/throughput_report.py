#!/usr/bin/python3
"""Turns bench/throughput_bench.sh's raw figures into the results table
(markdown) and a chart (PNG, matplotlib). Run by the script; by hand:

    bench/throughput_report.py --raw RAW.tsv --md OUT.md --png OUT.png

RAW.tsv has one run a line: configuration, test, server, round, load
average, and the key=value pairs dns_load or the dnsperf wrapper printed.
The server `baseline` is a second dnsd binary (BASELINE_DNSD in the script,
--baseline here to name it in the report).
"""
import argparse
import collections
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the back end is chosen)

SERVERS = ["dnsd", "baseline", "knot", "nsd", "ceiling"]
LABELS = {"dnsd": "dnsd", "baseline": "dnsd baseline", "knot": "Knot DNS", "nsd": "NSD",
          "ceiling": "fixed responder"}
TESTS = {"udp": "UDP, dns_load", "dnsperf": "UDP, dnsperf", "tcp": "TCP, dnsperf -m tcp"}
CONFIGS = {"pinned": "1 worker, server on CPU 0, load on CPU 1",
           "all": "1 worker per CPU (2), nothing pinned"}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--raw", required=True)
    p.add_argument("--md", required=True)
    p.add_argument("--png", required=True)
    p.add_argument("--command", default="bench/throughput_bench.sh")
    p.add_argument("--queries", help="the query file, for its line count")
    p.add_argument("--record-log", help="record_answers.py's summary line")
    p.add_argument("--baseline", help="the baseline dnsd binary (BASELINE_DNSD), if one ran")
    p.add_argument("--baseline-note", help="what the baseline is, e.g. its commit (BASELINE_NOTE)")
    return p.parse_args(argv)


def read_raw(path):
    runs = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 6:
                continue
            kv = {}
            for field in parts[4:]:
                for pair in field.split():
                    if "=" in pair:
                        k, v = pair.split("=", 1)
                        kv[k] = v
            runs.append({"config": parts[0], "test": parts[1], "server": parts[2],
                         "round": parts[3], **kv})
    return runs


def num(run, key):
    try:
        return float(run[key])
    except (KeyError, ValueError):
        return None


def fmt_int(x):
    return "–" if x is None else f"{x:,.0f}"


def summary(runs):
    """{(config, test, server): figures over the rounds}"""
    groups = collections.defaultdict(list)
    for r in runs:
        if r["test"] in TESTS and "failed" not in r:
            groups[(r["config"], r["test"], r["server"])].append(r)
    out = {}
    for key, rs in groups.items():
        qps = [num(r, "qps") for r in rs if num(r, "qps") is not None]
        sent = sum(num(r, "sent") or 0 for r in rs)
        lost = sum(num(r, "lost") or 0 for r in rs)
        pick = lambda k: [num(r, k) for r in rs if num(r, k) is not None]  # noqa: E731
        loads = [float(r["load"].split()[0]) for r in rs if r.get("load")]
        out[key] = {
            "n": len(qps), "median": statistics.median(qps) if qps else None,
            "min": min(qps) if qps else None, "max": max(qps) if qps else None,
            "mean_us": statistics.median(pick("lat_mean_us")) if pick("lat_mean_us") else None,
            "p50": statistics.median(pick("lat_p50_us")) if pick("lat_p50_us") else None,
            "p99": statistics.median(pick("lat_p99_us")) if pick("lat_p99_us") else None,
            "p999": statistics.median(pick("lat_p999_us")) if pick("lat_p999_us") else None,
            "loss_pct": 100.0 * lost / sent if sent else None,
            "bytes": statistics.median(pick("resp_bytes_mean")) if pick("resp_bytes_mean") else None,
            "load": (min(loads), max(loads)) if loads else None,
        }
    return out


def fmt(x, spec):
    return "–" if x is None else spec.format(x)


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "–"


def write_md(args, runs, s):
    configs = [c for c in CONFIGS if any(k[0] == c for k in s)]
    title = "dnsd, Knot DNS, NSD and a fixed-answer ceiling"
    if "baseline" in args.servers_seen:
        names = [{"ceiling": "a fixed-answer ceiling", "baseline": "a baseline dnsd"}.get(
            srv, LABELS[srv]) for srv in SERVERS if srv in args.servers_seen]
        title = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    lines = [f"# Throughput: {title}", "",
             f"Command: `{args.command}`. Raw figures: one line per run in the raw file the "
             "script names; the configuration of every peer is in bench/README.md, "
             "\"Throughput\".", ""]
    if args.queries:
        with open(args.queries) as f:
            n = sum(1 for _ in f)
        lines.append(f"Query file: {n:,} lines (80% SPF macro names, IPv4 and IPv6; 10% DMARC; "
                     "10% DKIM), the same for every server.")
    if args.record_log:
        with open(args.record_log) as f:
            lines.append("Zone for Knot and NSD: " + f.read().strip().replace(
                "record_answers: ", "") + ".")
    if args.baseline:
        note = f" ({args.baseline_note})" if args.baseline_note else ""
        lines.append(f"dnsd baseline: `{args.baseline}`{note}, a second dnsd binary on the same "
                     "configuration with the same flags (BASELINE_DNSD); dnsd is the build's.")
    lines.append("")
    for c in configs:
        lines += [f"## {c}: {CONFIGS[c]}", ""]
        for t in TESTS:
            rows = [(srv, s.get((c, t, srv))) for srv in SERVERS if (c, t, srv) in s]
            if not rows:
                continue
            ceil = s.get((c, t, "ceiling"), {}).get("median")
            lines += [f"### {TESTS[t]}", "",
                      "| server | QPS median | QPS range | rounds | mean latency µs | "
                      "p50 / p99 / p99.9 µs | loss % | answer octets | × ceiling | load avg |",
                      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for srv, f in rows:
                pct = "–" if f["p50"] is None else "{:.0f} / {:.0f} / {:.0f}".format(
                    f["p50"], f["p99"], f["p999"])
                load = "–" if not f["load"] else "{:.1f}–{:.1f}".format(*f["load"])
                cells = [LABELS[srv], fmt_int(f["median"]),
                         fmt_int(f["min"]) + "–" + fmt_int(f["max"]), str(f["n"]),
                         fmt(f["mean_us"], "{:.0f}"), pct, fmt(f["loss_pct"], "{:.3f}"),
                         fmt(f["bytes"], "{:.1f}"),
                         ratio(f["median"], ceil) if srv != "ceiling" else "1", load]
                lines.append("| " + " | ".join(cells) + " |")
            d = s.get((c, t, "dnsd"), {}).get("median")
            k = s.get((c, t, "knot"), {}).get("median")
            n = s.get((c, t, "nsd"), {}).get("median")
            b = s.get((c, t, "baseline"), {}).get("median")
            pairs = []
            if "baseline" in args.servers_seen:
                pairs.append(("dnsd/baseline", ratio(d, b)))
            if not pairs or (c, t, "knot") in s or (c, t, "nsd") in s:
                pairs += [("dnsd/Knot", ratio(d, k)), ("dnsd/NSD", ratio(d, n))]
            lines += ["", ", ".join(f"{name} = **{r}**" for name, r in pairs) + " (medians).",
                      ""]
        at80 = [r for r in runs if r["config"] == c and r["test"] == "udp80"]
        if at80:
            lines += ["### UDP at 80% of each server's own median maximum (dns_load --qps)", "",
                      "| server | offered QPS | answered QPS | lost | loss % | mean µs | "
                      "p50 / p99 / p99.9 µs |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for r in sorted(at80, key=lambda r: SERVERS.index(r["server"])):
                lines.append(
                    f"| {LABELS[r['server']]} | {fmt_int(num(r, 'rate'))} | "
                    f"{fmt_int(num(r, 'qps'))} | {r.get('lost', '–')} | {r.get('loss_pct', '–')} | "
                    f"{r.get('lat_mean_us', '–')} | {r.get('lat_p50_us', '–')} / "
                    f"{r.get('lat_p99_us', '–')} / {r.get('lat_p999_us', '–')} |")
            lines.append("")
    with open(args.md, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_png(path, s):
    groups = [(c, t) for c in CONFIGS for t in TESTS if any(k[:2] == (c, t) for k in s)]
    fig, ax = plt.subplots(figsize=(max(6, 2.2 * len(groups)), 4.5))
    # Without a baseline: the four servers at their usual places, even if
    # one did not run; with one, a bar for each server that ran.
    servers = [srv for srv in SERVERS if any(k[2] == srv for k in s)]
    if "baseline" not in servers:
        servers = [srv for srv in SERVERS if srv != "baseline"]
    width = min(0.2, 0.8 / len(servers))
    colors = {"dnsd": "#1f77b4", "baseline": "#9ecae1", "knot": "#ff7f0e", "nsd": "#2ca02c",
              "ceiling": "#7f7f7f"}
    for i, srv in enumerate(servers):
        xs, ys, lo, hi = [], [], [], []
        for g, (c, t) in enumerate(groups):
            f = s.get((c, t, srv))
            if not f or f["median"] is None:
                continue
            xs.append(g + (i - (len(servers) - 1) / 2) * width)
            ys.append(f["median"] / 1000)
            lo.append((f["median"] - f["min"]) / 1000)
            hi.append((f["max"] - f["median"]) / 1000)
        if xs:
            ax.bar(xs, ys, width, yerr=[lo, hi], capsize=3, label=LABELS[srv], color=colors[srv])
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([f"{c}\n{TESTS[t]}" for c, t in groups], fontsize=8)
    ax.set_ylabel("thousand queries / s (median, bars: range)")
    who = "dnsd, Knot DNS, NSD and a fixed responder"
    if "baseline" in servers:
        who = ", ".join(LABELS[srv] for srv in servers)
    ax.set_title(f"{who} on 127.0.0.1\n"
                 "100k domains; 80% SPF macro, 20% DMARC/DKIM names", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv):
    args = parse_args(argv)
    runs = read_raw(args.raw)
    if not runs:
        sys.exit(f"{args.raw}: no runs")
    s = summary(runs)
    args.servers_seen = {r["server"] for r in runs}
    write_md(args, runs, s)
    write_png(args.png, s)


if __name__ == "__main__":
    main(sys.argv[1:])
