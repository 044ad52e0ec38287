#!/usr/bin/env python3
"""Looplab's load benchmark: the M/M/4 pool scenario, natively, beside the
peers in tests/peers (SimPy, Ciw, plain heapq; vendored from the research
folder), on this machine, in one
run; plus the accuracy of its pool waits against Erlang C.

Run through `scripts/dev bench` (which builds the release binary and the
peers' Python environment). Prints markdown tables and writes
target/bench/load.json.

  scripts/dev bench                 # sizes 1e4 1e5 1e6, peers at 1e5 and 1e6
  scripts/dev bench --max 1e7       # also 1e7 (minutes)
  scripts/dev bench --quick         # 1e4 and 1e5 only

Counting follows ../shared/peers/README.md: customers per second of wall
time spent simulating (Looplab's figure includes compiling the scenario,
a few milliseconds), and model events (2 per customer: arrival, departure)
alongside the engine's own event count.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "tests", "peers")
LOOPLAB = os.path.join(ROOT, "target", "release", "looplab")
SCENARIO = os.path.join(ROOT, "www", "scenarios", "pool-queue-erlang-c.js")
SERVICE_RATE = 10.0  # the scenario's pbkdf2 cost is exp(100ms)


def erlang_c(servers, arrival_rate, service_rate):
    offered = arrival_rate / service_rate
    rho = offered / servers
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= offered / k
        total += term
    last = term * offered / servers / (1.0 - rho)
    wait_probability = last / (total + last)
    drain = servers * service_rate - arrival_rate
    import math
    p99 = math.log(wait_probability / 0.01) / drain if wait_probability > 0.01 else 0.0
    return wait_probability, wait_probability / drain, p99


def run_looplab(customers, rho, seed=1):
    rate = rho * 4 * SERVICE_RATE
    load = f"load=open rate={rate:g}/s arrivals=poisson amount={customers}"
    command = [LOOPLAB, "run", SCENARIO, "--json", "--no-trace", "--set", load, "--set", f"seed={seed}"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stdout = process.stdout.read()
    # wait4 gives this one child's CPU time and peak memory.
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"looplab failed: {' '.join(command)}")
    report = json.loads(stdout)
    if report["requests"]["completed"] != customers:
        sys.exit(f"looplab answered {report['requests']['completed']} of {customers} customers: {report['stop_reason']}")
    cpu = usage.ru_utime + usage.ru_stime
    probability, mean_wait, p99_wait = erlang_c(4, rate, SERVICE_RATE)
    pool = report["pool"]
    return {
        "peer": "looplab",
        "customers": customers,
        "rho": rho,
        "wall_s": wall,
        "cpu_s": cpu,
        "customers_per_s": customers / wall,
        "model_events_per_s": 2 * customers / wall,
        "engine_events": report["events"],
        "engine_events_per_s": report["events"] / wall,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "in_flight_peak": report["requests"]["in_flight_peak"],
        "Wq": pool["wait_ms"]["mean"] / 1000,
        "Wq_exact": mean_wait,
        "Wq_rel_err": pool["wait_ms"]["mean"] / 1000 / mean_wait - 1,
        "P_wait": pool["waited_share"],
        "P_wait_exact": probability,
        "Wq_p99": pool["wait_ms"]["p99"] / 1000,
        "Wq_p99_exact": p99_wait,
    }


REALISTIC = [
    ("express-db.js", "closed connections=100 amount={n} paths=/user/1:1,/user/2:1"),
    ("http-timer.js", "closed connections=100 amount={n}"),
]


def run_realistic(name, load, requests):
    """One of tests/bench's handlers under closed-loop load: wall time and
    peak memory of the whole `looplab run`."""
    command = [LOOPLAB, "run", os.path.join(ROOT, "tests", "bench", name), "--json", "--no-trace", "--set", "load=" + load.format(n=requests)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"looplab failed: {' '.join(command)}")
    report = json.loads(stdout)
    if report["requests"]["completed"] != requests:
        sys.exit(f"{name}: {report['requests']['completed']} of {requests} answered: {report['stop_reason']}")
    return {
        "peer": "looplab-realistic",
        "scenario": name,
        "requests": requests,
        "wall_s": wall,
        "requests_per_s": requests / wall,
        "engine_events": report["events"],
        "maxrss_mb": usage.ru_maxrss / 1024,
        "latency_p99_ms": report["requests"]["latency_ms"]["p99"],
    }


def run_peer(python, peer, customers, rho, seed=1):
    command = [python, os.path.join(PEERS, f"mmc_{peer}.py"), "--c", "4", "--rho", str(rho), "--customers", str(customers), "--seed", str(seed), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=PEERS)
    line = [line for line in done.stdout.splitlines() if line.startswith("JSON ")][0]
    record = json.loads(line[5:])
    record["model_events_per_s"] = 2 * customers / record["wall_s"]
    return record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable, help="a Python with simpy, ciw and numpy")
    parser.add_argument("--max", type=float, default=1e6)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    args.python = os.path.abspath(args.python) if os.sep in args.python else args.python
    sizes = [10_000, 100_000] if args.quick else [n for n in (10_000, 100_000, 1_000_000, 10_000_000) if n <= args.max]
    peer_sizes = [n for n in sizes if 100_000 <= n <= 1_000_000]
    results = []

    print("## Speed: M/M/4 at rho 0.8, one run each, interleaved\n")
    print("| simulator | customers | wall s | customers/s | model events/s | engine events/s | max RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        row = run_looplab(size, 0.8)
        results.append(row)
        print(f"| looplab (native, handler interpreted) | {size:,} | {row['wall_s']:.2f} | {row['customers_per_s']:,.0f} | {row['model_events_per_s']:,.0f} | {row['engine_events_per_s']:,.0f} | {row['maxrss_mb']:.0f} |", flush=True)
        if size in peer_sizes:
            for peer in ("simpy", "heapq", "ciw"):
                record = run_peer(args.python, peer, size, 0.8)
                record["peer"] = peer
                results.append(record)
                print(f"| {peer} | {size:,} | {record['wall_s']:.2f} | {record['customers_per_s']:,.0f} | {record['model_events_per_s']:,.0f} | | {record['maxrss_mb']:.0f} |", flush=True)

    print("\n## Ratios (customers per second, same size, same run)\n")
    for size in peer_sizes:
        mine = next(r for r in results if r["peer"] == "looplab" and r["customers"] == size)
        parts = []
        for peer in ("simpy", "heapq", "ciw"):
            other = next(r for r in results if r["peer"] == peer and r["customers"] == size)
            parts.append(f"{mine['customers_per_s'] / other['customers_per_s']:.2f}x {peer}")
        print(f"- {size:,} customers: looplab = " + ", ".join(parts))

    looplab_rows = [r for r in results if r["peer"] == "looplab"]
    if len(looplab_rows) >= 2:
        first, last = looplab_rows[0], looplab_rows[-1]
        growth = (last["wall_s"] / first["wall_s"]) / (last["customers"] / first["customers"])
        print(f"\nCost per customer from {first['customers']:,} to {last['customers']:,}: x{growth:.2f} (1.00 = linear).")
        print(f"Memory: max RSS {first['maxrss_mb']:.0f} MB -> {last['maxrss_mb']:.0f} MB; peak in flight {last['in_flight_peak']} requests.")

    print("\n## Realistic handlers (tests/bench, closed loop, 100 connections)\n")
    print("| scenario | requests | wall s | requests/s | µs per request | max RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, load in REALISTIC:
        for size in [n for n in sizes if n <= 1_000_000]:
            row = run_realistic(name, load, size)
            results.append(row)
            print(f"| {name} | {size:,} | {row['wall_s']:.2f} | {row['requests_per_s']:,.0f} | {1e6 / row['requests_per_s']:.1f} | {row['maxrss_mb']:.0f} |", flush=True)

    print("\n## Accuracy vs Erlang C (M/M/4, 1,000,000 customers unless --quick)\n")
    print("| rho | customers | Wq sim | Wq exact | rel. error | P(wait) sim / exact | Wq p99 sim / exact |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    accuracy_size = 100_000 if args.quick else 1_000_000
    for rho in (0.5, 0.8, 0.95):
        row = run_looplab(accuracy_size, rho, seed=2)
        row["kind"] = "accuracy"
        results.append(row)
        print(f"| {rho} | {accuracy_size:,} | {row['Wq']:.5f} | {row['Wq_exact']:.5f} | {row['Wq_rel_err']:+.2%} | {row['P_wait']:.4f} / {row['P_wait_exact']:.4f} | {row['Wq_p99']:.4f} / {row['Wq_p99_exact']:.4f} |", flush=True)

    os.makedirs(os.path.join(ROOT, "target", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "target", "bench", "load.json"), "w") as out:
        json.dump({"machine_nproc": os.cpu_count(), "loadavg": os.getloadavg(), "results": results}, out, indent=1)
    print("\nwritten: target/bench/load.json")


if __name__ == "__main__":
    main()
