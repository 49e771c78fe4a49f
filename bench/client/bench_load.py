#!/usr/bin/env python3
"""Benchmark of mapiclient load against the real daemon on 127.0.0.1:
provisions USERS users (mapiadmin), starts mapihttpd, runs
`mapiclient load --sessions USERS --duration SECONDS --server-pid PID`
(each user: the startup ladder, then Inbox browsing, message reads, mail to
another user and NotificationWait) and prints its `name: value unit` lines.

    bench_load.py MAPICLIENT MAPIHTTPD MAPIADMIN [USERS [SECONDS]]

NotificationWait is held 5 s here (Exchange: up to 300 s) so that a wait
started near the end does not outlast the run by minutes.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "mapihttp"))
import test_integration as it  # noqa: E402  (Daemon, admin, free_port)


def main():
    mapiclient, it.MAPIHTTPD, it.MAPIADMIN = sys.argv[1:4]
    users = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    seconds = int(sys.argv[5]) if len(sys.argv) > 5 else 60
    with tempfile.TemporaryDirectory(prefix="bench-client-") as tmp:
        data = os.path.join(tmp, "data")
        os.mkdir(data)
        it.admin(data, "domain", "add", "load.test")
        t0 = time.monotonic()
        for i in range(1, users + 1):
            it.admin(data, "user", "add", "load%d@load.test" % i, "--name", "Load User %d" % i,
                     "--password", "load-pw")
        print("provisioning: %.1f s" % (time.monotonic() - t0))
        conf = os.path.join(tmp, "mapihttpd.conf")
        with open(conf, "w") as f:
            f.write("[auth]\nschemes = basic\ndefault_domain = load.test\n"
                    "[mapi]\nnotification_wait = 5\n"
                    "[limits]\nconnection_limit = 20000\n")
        daemon = it.Daemon(data, it.free_port(), config=conf)
        try:
            cmd = [mapiclient, "--server", "http://127.0.0.1:%d" % daemon.port,
                   "--user", "load%u@load.test", "--password", "load-pw", "load",
                   "--sessions", str(users), "--duration", str(seconds),
                   "--server-pid", str(daemon.proc.pid)]
            print("command: " + " ".join(cmd))
            sys.stdout.flush()
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 600)
            sys.stdout.write(p.stdout)
            sys.stderr.write(p.stderr)
        finally:
            code = daemon.stop()
        if p.returncode != 0 or code != 0:
            print("load exit %d, daemon exit %d" % (p.returncode, code))
            sys.exit(1)


if __name__ == "__main__":
    main()
