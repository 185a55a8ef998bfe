"""Run one measurement: start gunicorn with the shared settings, warm up, drive it with wrk, sample memory, stop.

Every scenario runs under exactly the same gunicorn settings (GUNICORN_ARGS) and the same wrk settings, on
127.0.0.1 only. The server is restarted for each run so runs of different scenarios can alternate.
"""

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8701"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
WRK_CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
GUNICORN_ARGS = [
    "--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"{HOST}:{PORT}",
    "--backlog", "2048", "--worker-tmp-dir", "/dev/shm", "--log-level", "warning", "--timeout", "30",
]  # fmt: skip
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
# The service's code: the work tree, or a snapshot of a commit (`--snapshot`, see bench.snapshot()).
APP_ROOT = os.environ.get("BENCH_APP_ROOT", ROOT)
LUA = os.path.join(ROOT, "bench", "lua", "replay.lua")


def worker_pids(master):
    """Children of the gunicorn master, found through /proc/*/stat."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry))
    return pids


def _status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


class MemorySampler(threading.Thread):
    """Samples VmRSS of every worker every 100 ms; `peak_mb` also takes each worker's VmHWM at the end."""

    def __init__(self, master):
        super().__init__(daemon=True)
        self.master = master
        self.peak_kb = 0
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.wait(0.1):
            for pid in worker_pids(self.master):
                self.peak_kb = max(self.peak_kb, _status_kb(pid, "VmRSS"))

    def finish(self):
        self.stop_event.set()
        self.join()
        for pid in worker_pids(self.master):
            self.peak_kb = max(self.peak_kb, _status_kb(pid, "VmHWM"))
        return round(self.peak_kb / 1024, 1)


class Server:
    """A gunicorn process serving `app_spec` with `env` added to the environment."""

    def __init__(self, app_spec, env, log_path):
        self.app_spec = app_spec
        self.env = {**os.environ, **env, "PYTHONPATH": f"{APP_ROOT}:{ROOT}" if APP_ROOT != ROOT else ROOT}
        self.log_path = log_path
        self.proc = None

    def start(self, timeout=30):
        import socket

        with socket.socket() as probe:
            if probe.connect_ex((HOST, PORT)) == 0:
                raise RuntimeError(f"{HOST}:{PORT} is already served by another process (BENCH_PORT to change)")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(VENV_BIN, "gunicorn"), *GUNICORN_ARGS, self.app_spec],
            cwd=APP_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up, see {self.log_path}")
            try:
                urllib.request.urlopen(f"http://{HOST}:{PORT}/", timeout=2)
            except urllib.error.HTTPError:
                pass
            except OSError:
                time.sleep(0.1)
                continue
            if self.proc.poll() is None and worker_pids(self.proc.pid):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer in {timeout}s, see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def exclusive(out_dir):
    """Hold bench/out/.lock for the life of this process: two bench runs on 2 cores would measure each other,
    and they share the port and the bench databases. A second run waits for the first."""
    import fcntl

    os.makedirs(out_dir, exist_ok=True)
    handle = open(os.path.join(out_dir, ".lock"), "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another bench run holds bench/out/.lock; waiting for it to finish", flush=True)
        fcntl.flock(handle, fcntl.LOCK_EX)
    # SIGTERM ends the run through the normal clean-up (servers are stopped in `finally`).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    return handle


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def wrk(reqs_path, duration, run_tag, timeout_s=10, expect=""):
    """Drive the server for `duration` seconds with the replay script; returns the parsed summary, with
    `replayed` (requests sent after a thread's share of the file ran out) and `unexpected` (2xx answers
    without the text `expect`, when given)."""
    env = {**os.environ, "BENCH_REQS": reqs_path, "BENCH_RUN": run_tag, "BENCH_THREADS": str(WRK_THREADS),
           "BENCH_EXPECT": expect}  # fmt: skip
    cmd = [
        "wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s", f"--timeout={timeout_s}s",
        "--latency", "-s", LUA, f"http://{HOST}:{PORT}/",
    ]  # fmt: skip
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line[len("BENCH_JSON ") :])
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            return data
    raise RuntimeError("wrk printed no summary:\n" + out)


def measure(app_spec, env, reqs, warm_reqs, duration, warmup, run_tag, log_path, expect=""):
    """One run: returns wrk's summary with `peak_rss_mb` and the warm-up's counts (`warm_*`)."""
    server = Server(app_spec, env, log_path).start()
    try:
        idle = {"requests": 0, "s2xx": 0, "s5xx": 0, "replayed": 0, "unexpected": 0, "lines": 0}
        warm = wrk(warm_reqs, warmup, run_tag + "w", expect=expect) if warmup > 0 else idle
        sampler = MemorySampler(server.proc.pid)
        sampler.start()
        result = wrk(reqs, duration, run_tag, expect=expect)
        result["peak_rss_mb"] = sampler.finish()
        result["loadavg"] = os.getloadavg()[0]  # other work on the machine shows here
        for key in idle:
            result["warm_" + key] = warm[key]
        return result
    finally:
        server.stop()
