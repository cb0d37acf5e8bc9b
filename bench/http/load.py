"""The load: locust's FastHttpUser as a library, one process, closed loop (each simulated user
sends its next request when the last is answered, without waiting). Run by bench/http/run.py
in the benchmark's environment, pinned to its own core; prints one JSON line per load.

    python load.py http://127.0.0.1:8000 --users 1,10,50 --requests 2000 --seconds 10

Why locust: it is the well-kept load generator on PyPI (the registry this project installs
from), scripted in Python, so the write route can send a fresh author name per request, which
fixed-body tools (wrk without Lua, ab, hey) cannot; FastHttpUser (geventhttpclient) is its fast
client, several thousand requests per second on one core, above what the apps serve on theirs.
Latencies come from locust's request event, each in float milliseconds, not from its rounded
statistics; percentiles are computed here over every request of the measured phase. With
--server-pid, the server's CPU time per request too, from /proc (Linux).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import time
import uuid
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

ROUTES = ("read", "write", "ready")


class Load:
    """One phase: its count bound, its time bound, and the latencies it saw."""

    def __init__(self, requests: int) -> None:
        self.requests = requests
        self.latencies_ms: list[float] = []
        self.failures = 0
        self.first_start = 0.0
        self.last_end = 0.0
        self.runner: object = None

    def on_request(self, response_time: float, exception: object, **_: object) -> None:
        now = time.perf_counter()
        if not self.latencies_ms and not self.failures:
            self.first_start = now - response_time / 1000
        self.last_end = now
        if exception is not None:
            self.failures += 1
        self.latencies_ms.append(response_time)
        if len(self.latencies_ms) >= self.requests:
            gevent.spawn(self.runner.quit)  # type: ignore[attr-defined]


def user_class(host: str, route: str, author_ids: int) -> type[FastHttpUser]:
    names = itertools.count()
    tag = uuid.uuid4().hex[:8]

    class Client(FastHttpUser):
        wait_time = constant(0)

        @task
        def one(self) -> None:
            if route == "read":
                self.client.get(f"/authors/{random.randint(1, author_ids)}", name="read")
            elif route == "write":
                body = {"name": f"load {tag} {next(names)}"}
                self.client.post("/authors", json=body, name="write")
            else:
                self.client.get("/health/ready", name="ready")

    Client.host = host
    return Client


def run(host: str, route: str, users: int, requests: int, seconds: float, authors: int) -> Load:
    load = Load(requests)
    environment = Environment(user_classes=[user_class(host, route, authors)], events=events)
    runner = environment.create_local_runner()
    load.runner = runner
    listener = events.request.add_listener(load.on_request)
    try:
        runner.start(users, spawn_rate=users * 1000)
        stop = gevent.spawn_later(seconds, runner.quit)
        runner.greenlet.join()
        stop.kill()
    finally:
        events.request.remove_listener(listener)
    return load


def cpu_seconds(pid: int | None) -> float:
    """CPU time the server process has used so far, all its threads (Linux's /proc)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def summary(route: str, users: int, load: Load, cpu: float) -> dict[str, object]:
    latencies = sorted(load.latencies_ms)
    elapsed = load.last_end - load.first_start
    quantiles = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else latencies * 99
    )
    return {
        "route": route,
        "users": users,
        "requests": len(latencies),
        "failures": load.failures,
        "seconds": round(elapsed, 3),
        "rps": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": quantiles[49],
        "p99_ms": quantiles[98],
        # The server's CPU per request: what one request costs the app, which other work on
        # a shared machine disturbs far less than requests per second.
        "server_cpu_ms": 1000 * cpu / len(latencies) if latencies else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("--routes", default=",".join(ROUTES))
    parser.add_argument("--users", default="1,10,50", help="concurrencies, comma-separated")
    parser.add_argument("--requests", type=int, default=2000, help="count bound per load")
    parser.add_argument("--seconds", type=float, default=10.0, help="time bound per load")
    parser.add_argument("--warmup", type=int, default=200, help="requests sent first, not counted")
    parser.add_argument("--server-pid", type=int, help="the server's process, for its CPU time")
    parser.add_argument("--authors", type=int, default=1000, help="ids 1..N exist")
    args = parser.parse_args()
    for route in args.routes.split(","):
        for users in (int(u) for u in args.users.split(",")):
            run(args.host, route, users, args.warmup, args.seconds, args.authors)
            before = cpu_seconds(args.server_pid)
            load = run(args.host, route, users, args.requests, args.seconds, args.authors)
            cpu = cpu_seconds(args.server_pid) - before
            print(json.dumps(summary(route, users, load, cpu)), flush=True)


if __name__ == "__main__":
    main()
