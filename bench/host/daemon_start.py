#!/usr/bin/env python3
"""What the first browser launch pays when no daemon runs (the first of a session, or after the daemon exited
idle): spawn the relay, send one hello, read the reply. The relay starts the daemon and waits for its socket.

Two rows take turns, the daemon stopped before every launch: without class-data archives (NM_HOST_CDS=off, for
the relay and the daemon) and with them (recorded first: one relay launch, one daemon run, then its archive
created in the background). Needs the built distribution (mvn -pl distribution -am package -DskipTests) and the
default models (the daemon lists them; no model is loaded).

    python3 bench/host/daemon_start.py [ROUNDS]      (default 10)
"""
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = str(ROOT / "bin" / "nm-host")
ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
HELLO = json.dumps({"request_id": "1", "route": "hello", "payload": {}}).encode()


def first_reply_millis(env):
    started = time.perf_counter()
    relay = subprocess.Popen([HOST, ORIGIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env)
    relay.stdin.write(struct.pack("<I", len(HELLO)) + HELLO)
    relay.stdin.flush()
    length = struct.unpack("<I", relay.stdout.read(4))[0]
    reply = json.loads(relay.stdout.read(length))
    elapsed = (time.perf_counter() - started) * 1000
    relay.stdin.close()
    relay.wait()
    if not reply.get("success"):
        sys.exit("hello failed: %s" % reply)
    return elapsed


def stop_daemon(env):
    subprocess.run([HOST, "daemon", "stop"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as work:
        home = Path(work, "home")
        home.mkdir()
        (home / "config.json").write_text(json.dumps({"origins": {ORIGIN: {"scopes": []}}}))
        base = dict(os.environ, NM_HOST_HOME=str(home))
        base.pop("NM_HOST_MODE", None)
        cds = Path(work, "cds")
        rows = {
            "no archives": dict(base, NM_HOST_CDS="off"),
            "relay and daemon archives": dict(base, NM_HOST_CDS_DIR=str(cds)),
        }
        try:
            recording = rows["relay and daemon archives"]
            first_reply_millis(recording)
            stop_daemon(recording)
            deadline = time.time() + 120
            while not list(cds.glob("nm-host-daemon-*.jsa")) + list(cds.glob("nm-host-daemon-*.aot")):
                if time.time() > deadline:
                    sys.exit("no daemon archive in %s two minutes after the recording daemon stopped" % cds)
                time.sleep(0.5)
            times = {label: [] for label in rows}
            for _ in range(rounds):
                for label, env in rows.items():
                    stop_daemon(env)
                    time.sleep(1)
                    times[label].append(first_reply_millis(env))
        finally:
            stop_daemon(base)
    print("== %s; %d cores, load %s" % (
        subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0],
        os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))
    print("%-30s %12s %12s" % ("relay that starts the daemon", "reply p50", "reply p90"))
    for label, values in times.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
        print("%-30s %9.0f ms %9.0f ms" % (label, statistics.median(values), p90))


if __name__ == "__main__":
    main()
