"""Load and fault benchmark of the production stack (`make serve`), on 127.0.0.1 only.

The bench makes everything it uses and stops it afterwards:
- a PostgreSQL cluster of its own (initdb) on a free port under var/bench-pg/, filled once with
  --services published services by bench/generate_registry.py (kept for the next run);
- a redis-server of its own on a free port (CATALOGUE_CACHE=redis, as in service);
- `make serve DEMO=0` on a free port, once per worker count.

Load: --clients concurrent clients (threads, a new connection per request, as gunicorn's sync
workers close each one) for --seconds each, bounded by --max-requests, on a mix of the home page
(20 %), search with filters (40 %) and service pages (40 %, from a pool of --pool services),
after a warm-up of the same length; then the same run's trivial view (/robots.txt: the whole
middleware stack, no query). Figures: requests/s, p50/p95/p99 latency, answers by status.

Fault: with the default worker count, the mix runs while the cluster is restarted
(`pg_ctl restart -m fast`) --fault-at seconds in; counted: answers other than 200 and 503
(goal 0), and the seconds from the end of the restart to the last answer that was not 200.
Beside it, `manage.py import_registry` of one body's services (exported, each edition's short
name changed so that every service gets a draft) starts just before the restart and is run
again until it succeeds: nothing may be lost or half-written — after the interrupted attempt the
drafts are as before, after the successful one there is one more per service of the file.

    .venv/bin/python bench/load_bench.py --services 100000 --workers 1,2,4
"""

import argparse
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = [
    {"q": "справка", "mfc": "on", "cost": "free"},
    {"q": "разрешение на строительство", "mfc": "on", "cost": "free"},
    {"q": "земельного участка", "level": "municipal", "electronic": "on"},
    {"q": "паспорт", "cost": "paid", "mfc": "on"},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Cluster:
    """A PostgreSQL cluster of the bench's own; as root, its commands run as user postgres."""

    def __init__(self, directory: Path, port: int):
        self.directory = directory.resolve()
        self.data = self.directory / "data"
        self.socket_dir = self.directory / "socket"
        self.port = port
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/registry"

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, stdout=subprocess.DEVNULL)

    def init(self) -> bool:
        if (self.data / "PG_VERSION").exists():
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.directory, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )
        return True

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c max_connections=60"
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"),
            "-o", options, "-w", action, *extra,
        )  # fmt: skip

    def start(self) -> None:
        self.pg_ctl("start")

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-At", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip


def prepare(cluster: Cluster, services: int) -> None:
    marker = cluster.directory / f"generated-{services}"
    if marker.exists():
        log(f"reusing the registry of {services} services in {cluster.directory}")
        return
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": cluster.url}
    if "registry" not in cluster.psql("SELECT datname FROM pg_database").split():
        cluster.psql("CREATE DATABASE registry")
    log("migrate")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    log(f"generating {services} services (minutes at 100 000)")
    subprocess.run(
        [sys.executable, "bench/generate_registry.py", "--services", str(services), "--seed", "1"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    cluster.psql("ANALYZE", database="registry")
    marker.touch()


@dataclass
class Sample:
    started: float
    seconds: float
    status: int  # 0: no HTTP answer (refused, reset)
    kind: str


@dataclass
class Run:
    name: str
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        latencies = sorted(sample.seconds for sample in self.samples)

        def pct(p: float) -> float:
            return (
                round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)
                if latencies
                else 0.0
            )

        return {
            "run": self.name,
            "requests": len(self.samples),
            "rps": round(len(self.samples) / self.seconds, 1) if self.seconds else 0.0,
            "p50": pct(0.50),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "statuses": dict(sorted(Counter(sample.status for sample in self.samples).items())),
        }


def request(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def load(name: str, port: int, paths, clients: int, seconds: float, max_requests: int, during=None) -> Run:
    """`paths()` gives (kind, path) for each request; `during(run_started)` runs beside the load."""
    run = Run(name)
    deadline = time.monotonic() + seconds
    budget = threading.Semaphore(max_requests)
    lock = threading.Lock()
    started = time.monotonic()

    def client(seed: int) -> None:
        chooser = random.Random(seed)
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            kind, path = paths(chooser)
            begin = time.monotonic()
            status = request(port, path)
            sample = Sample(begin - started, time.monotonic() - begin, status, kind)
            with lock:
                run.samples.append(sample)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    side = threading.Thread(target=during, args=(started,)) if during else None
    if side:
        side.start()
    for thread in threads:
        thread.join()
    if side:
        side.join()
    run.seconds = time.monotonic() - started
    return run


def mix(numbers: list[str]):
    def paths(chooser: random.Random) -> tuple[str, str]:
        roll = chooser.random()
        if roll < 0.2:
            return "home", "/"
        if roll < 0.6:
            return "search", "/services/?" + urlencode(chooser.choice(SEARCHES))
        return "service", f"/services/{chooser.choice(numbers)}/"

    return paths


def trivial(chooser: random.Random) -> tuple[str, str]:
    return "trivial", "/robots.txt"


class Serve:
    """`make serve DEMO=0` with the given workers, in a process group of its own."""

    def __init__(self, workers: int, database_url: str, redis_port: int, venv: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "WEB_CONCURRENCY": str(workers),
            "LOG_LEVEL": "ERROR",
        }
        env.pop("SECRET_KEY", None)
        command = [
            "make", "--no-print-directory", "serve", "DEMO=0", "CATALOGUE_CACHE=redis",
            f"PORT={self.port}", f"REDIS_PORT={redis_port}", f"VENV={venv}",
        ]  # fmt: skip
        self.log = open(ROOT / "var" / f"bench-serve-{workers}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"make serve ended: see {self.log.name}")
            if request(self.port, "/healthz") == 200:
                return
            time.sleep(0.5)
        self.stop()
        raise SystemExit("make serve did not answer in 180 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def print_table(rows: list[dict]) -> None:
    print("| run | requests | req/s | p50 ms | p95 ms | p99 ms | answers |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        statuses = ", ".join(f"{status or 'no answer'}: {count}" for status, count in row["statuses"].items())
        print(
            f"| {row['run']} | {row['requests']} | {row['rps']} | {row['p50']} | {row['p95']} | {row['p99']} "
            f"| {statuses} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure, comma-separated")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0, help="each measured run (and its warm-up)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="bound on each run's requests")
    parser.add_argument("--pool", type=int, default=1000, help="how many services the clients visit")
    parser.add_argument("--fault-seconds", type=float, default=30.0)
    parser.add_argument("--fault-at", type=float, default=8.0)
    parser.add_argument("--no-fault", action="store_true")
    parser.add_argument("--no-load", action="store_true", help="only the fault run")
    parser.add_argument("--cluster-dir", type=Path, default=ROOT / "var" / "bench-pg")
    args = parser.parse_args()
    venv = Path(sys.prefix)
    if not (venv / "bin" / "gunicorn").exists():
        raise SystemExit("run with the virtualenv's python (gunicorn is not installed beside it)")
    (ROOT / "var").mkdir(exist_ok=True)

    cluster = Cluster(args.cluster_dir, free_port())
    created = cluster.init()
    log(
        f"PostgreSQL cluster {'created' if created else 'reused'} in {cluster.directory}, port {cluster.port}"
    )
    cluster.start()
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    rows: list[dict] = []
    try:
        prepare(cluster, args.services)
        count = cluster.psql("SELECT count(*) FROM registry_service", database="registry").strip()
        numbers = cluster.psql(
            f"SELECT registry_number FROM registry_service ORDER BY md5(registry_number) LIMIT {args.pool}",
            database="registry",
        ).split()
        log(f"{count} services; {len(numbers)} in the clients' pool")
        for workers in [] if args.no_load else [int(w) for w in args.workers.split(",")]:
            serve = Serve(workers, cluster.url, redis_port, venv)
            try:
                log(f"{workers} worker(s): warm-up")
                load("warm-up", serve.port, mix(numbers), args.clients, args.seconds, args.max_requests)
                runs = (
                    (f"mix, {workers} worker(s)", mix(numbers)),
                    (f"trivial, {workers} worker(s)", trivial),
                )
                for name, paths in runs:
                    run = load(name, serve.port, paths, args.clients, args.seconds, args.max_requests)
                    rows.append(run.summary())
                    log(str(rows[-1]))
            finally:
                serve.stop()
        if not args.no_fault:
            fault(args, cluster, numbers, redis_port, venv, rows)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
        cluster.stop()
    print()
    print_table(rows)


def import_file(cluster: Cluster, tag: str) -> tuple[Path, int]:
    """One body's services, exported, each edition's short name changed: an import of it makes a
    draft of every service in it."""
    from lxml import etree

    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": cluster.url}
    provider = cluster.psql(
        "SELECT provider_id FROM registry_service GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        database="registry",
    ).strip()
    exported = ROOT / "var" / "bench-import-source.xml"
    subprocess.run(
        [sys.executable, "manage.py", "export_registry", "--format", "xml", "--output", str(exported),
         "--provider", provider],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    tree = etree.parse(str(exported))
    namespace = "{urn:registry:service-standards:1.0}"
    editions = list(tree.iter(f"{namespace}edition"))
    for edition in editions:
        name = edition.find(f"{namespace}shortName")
        if name is None:
            name = etree.Element(f"{namespace}shortName")
            edition.find(f"{namespace}fullName").addnext(name)
        name.text = f"{(name.text or '')[:250]} ({tag})"
    changed = ROOT / "var" / "bench-import.xml"
    tree.write(str(changed), xml_declaration=True, encoding="utf-8")
    return changed, len(editions)


def fault(args, cluster: Cluster, numbers: list[str], redis_port: int, venv: Path, rows: list[dict]) -> None:
    workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * os.cpu_count() + 1)
    tag = f"нагрузочный тест {int(time.time())}"
    path, services = import_file(cluster, tag)
    # Editions carrying this run's name: 0 until the import commits, then one per service.
    drafts_sql = (
        f"SELECT count(*) FROM registry_edition WHERE status = 'draft' AND short_name LIKE '%({tag})'"
    )
    drafts_before = int(cluster.psql(drafts_sql, database="registry"))
    serve = Serve(workers, cluster.url, redis_port, venv)
    window: dict[str, float] = {}
    attempts: list[tuple[int, int, str]] = []  # exit status, drafts after it, its last line

    def run_import() -> None:
        env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"{cluster.url}?application_name=bench-import"}
        for _attempt in range(5):
            done = subprocess.run(
                [sys.executable, "manage.py", "import_registry", str(path)],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
            while True:
                try:
                    drafts = int(cluster.psql(drafts_sql, database="registry"))
                    break
                except subprocess.CalledProcessError:
                    time.sleep(0.5)  # the cluster is still restarting
            output = (done.stdout + done.stderr).strip().splitlines()
            traceback = any(line.startswith("Traceback") for line in output)
            attempts.append(
                (
                    done.returncode,
                    drafts,
                    ("TRACEBACK " if traceback else "") + (output[-1] if output else ""),
                )
            )
            if done.returncode == 0:
                return
            time.sleep(2)

    def restart(run_started: float) -> None:
        time.sleep(max(0.0, args.fault_at - 1.0))
        importer = threading.Thread(target=run_import)
        importer.start()
        # The restart hits the import inside its transaction.
        waiting = time.monotonic() + 30
        while time.monotonic() < waiting:
            busy = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bench-import'"
            if int(cluster.psql(f"{busy} AND xact_start IS NOT NULL")) > 0:
                break
            time.sleep(0.05)
        window["began"] = time.monotonic() - run_started
        cluster.restart()
        window["ended"] = time.monotonic() - run_started
        importer.join()

    try:
        run = load(
            f"mix through a PostgreSQL restart, {workers} workers",
            serve.port, mix(numbers), args.clients, args.fault_seconds, args.max_requests, during=restart,
        )  # fmt: skip
    finally:
        serve.stop()
    rows.append(run.summary())
    failed = [sample for sample in run.samples if sample.status != 200]
    wrong = [sample for sample in failed if sample.status != 503]
    last_failure = max((sample.started + sample.seconds for sample in failed), default=window["ended"])
    print()
    began, ended = window["began"], window["ended"]
    print(f"restart: {began:.1f}–{ended:.1f} s into the run ({ended - began:.1f} s)")
    print(f"answers 503: {sum(1 for sample in failed if sample.status == 503)}")
    print(f"other failures (goal 0): {len(wrong)} {dict(Counter(sample.status for sample in wrong))}")
    print(
        f"seconds from the end of the restart to the last failed answer: {max(0.0, last_failure - ended):.1f}"
    )
    print(f"import of {services} services through the restart; its drafts before: {drafts_before}")
    for number, (status, drafts, last_line) in enumerate(attempts, 1):
        print(f"  attempt {number}: exit {status}, drafts {drafts} (+{drafts - drafts_before}): {last_line}")


if __name__ == "__main__":
    main()
