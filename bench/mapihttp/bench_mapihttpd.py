#!/usr/bin/env python3
"""Benchmarks mapihttpd on loopback: Autodiscover POX requests per second at
1 and 64 keep-alive connections (Basic auth, credentials cached after the
first request), and the daemon's resident memory with 10,000 idle
keep-alive connections open.  Prints `name: value unit` lines.

    bench_mapihttpd.py MAPIHTTPD MAPIADMIN LOAD [SECONDS]
"""
import base64
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

IDLE_CONNECTIONS = 10000


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    mapihttpd, mapiadmin, load = sys.argv[1:4]
    seconds = sys.argv[4] if len(sys.argv) > 4 else "5"
    tmp = tempfile.TemporaryDirectory(prefix="mapihttpd-bench-")
    data = os.path.join(tmp.name, "data")
    admin = [mapiadmin, "--data-dir", data]
    subprocess.run(admin + ["domain", "add", "x.test"], check=True, capture_output=True)
    subprocess.run(admin + ["user", "add", "alice@x.test", "--name", "Alice",
                            "--password", "alice-pw"], check=True, capture_output=True)
    body = os.path.join(tmp.name, "request.xml")
    with open(body, "w") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.'
                'microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request>'
                '<EMailAddress>alice@x.test</EMailAddress><AcceptableResponseSchema>http://'
                'schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'
                '</AcceptableResponseSchema></Request></Autodiscover>')
    port = free_port()
    log = open(os.path.join(tmp.name, "daemon.log"), "wb")
    daemon = subprocess.Popen([mapihttpd, "--data-dir", data, "--listen",
                               "127.0.0.1:%d" % port, "--no-tls", "--hostname", "localhost",
                               "--log-level", "warn"], stderr=log)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    auth = "Basic " + base64.b64encode(b"alice@x.test:alice-pw").decode()
    status = 0
    try:
        for conns in (1, 64):
            out = subprocess.run([load, "rate", str(port), str(conns), seconds, "POST",
                                  "/autodiscover/autodiscover.xml", auth, body],
                                 capture_output=True, text=True)
            m = re.search(r"rate: (\d+)", out.stdout)
            errs = re.search(r"errors: (\d+)", out.stdout)
            if m is None or out.returncode != 0:
                sys.stderr.write(out.stdout + out.stderr)
                status = 1
                continue
            print("autodiscover_pox_rate_%dconn: %s req/s" % (conns, m.group(1)))
            print("autodiscover_pox_errors_%dconn: %s count" % (conns, errs.group(1)))
        before = rss_kib(daemon.pid)
        idle = subprocess.Popen([load, "idle", str(port), str(IDLE_CONNECTIONS)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = idle.stdout.readline()
        time.sleep(1)
        after = rss_kib(daemon.pid)
        idle.stdin.close()
        idle.wait()
        n = int(ready.split()[1]) if ready.startswith("ready:") else 0
        print("idle_connections_open: %d count" % n)
        print("rss_before_idle: %d KiB" % before)
        print("rss_with_%d_idle: %d KiB" % (IDLE_CONNECTIONS, after))
        if n > 0:
            print("rss_per_idle_connection: %.1f KiB" % ((after - before) / n))
        if n != IDLE_CONNECTIONS:
            status = 1
    finally:
        daemon.send_signal(signal.SIGTERM)
        if daemon.wait(timeout=30) != 0:
            status = 1
        log.close()
        tmp.cleanup()
    return status


if __name__ == "__main__":
    sys.exit(main())
