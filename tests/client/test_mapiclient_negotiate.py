#!/usr/bin/env python3
"""mapiclient --auth negotiate against the real daemon, with a throw-away
MIT KDC on 127.0.0.1 (tests/auth/kdc_run.sh: alice@REALM kinit'ed,
HTTP/localhost in the keytab).  Run by meson through kdc_run.sh:

    kdc_run.sh test_mapiclient_negotiate.py   (MAPICLIENT, MAPIHTTPD, MAPIADMIN in env)
"""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mapihttp"))
import test_integration as it  # noqa: E402

MAPICLIENT = KEYTAB = REALM = None


class Env:
    tmp = data = daemon = None
    alice = None


def setUpModule():
    Env.tmp = tempfile.TemporaryDirectory(prefix="mapiclient-krb-")
    Env.data = os.path.join(Env.tmp.name, "data")
    os.mkdir(Env.data)
    it.admin(Env.data, "domain", "add", "x.test")
    it.admin(Env.data, "user", "add", "alice@x.test", "--name", "Alice Example",
             "--password", "alice-pw")
    Env.alice = it.user_show(Env.data, "alice@x.test")
    conf = os.path.join(Env.tmp.name, "mapihttpd.conf")
    with open(conf, "w") as f:
        f.write("[auth]\nschemes = negotiate,basic\nkeytab = %s\n"
                "service = HTTP@localhost\ndomain_map = %s=x.test\n"
                "default_domain = x.test\n" % (KEYTAB, REALM))
    Env.daemon = it.Daemon(Env.data, it.free_port(), config=conf)


def tearDownModule():
    code = Env.daemon.stop()
    log = Env.daemon.text()
    Env.tmp.cleanup()
    if code != 0:
        raise AssertionError("daemon exit status %d\n%s" % (code, log))


def run(*args, env=None):
    # the service is HTTP@localhost: the URL must name localhost
    cmd = [MAPICLIENT, "--server", "http://localhost:%d" % Env.daemon.port,
           "--user", "alice@x.test", "--auth", "negotiate"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    return p.returncode, p.stdout, p.stderr


class Negotiate(unittest.TestCase):
    def test_discover(self):
        rc, out, err = run("discover", "alice@x.test")
        self.assertEqual(rc, 0, err)
        f = dict(line.split(": ", 1) for line in out.splitlines())
        self.assertEqual(f["display-name"], "Alice Example")
        self.assertEqual(f["legacy-dn"], Env.alice["legacy-dn"])
        self.assertRegex(Env.daemon.text(), r"verified scheme=negotiate user=alice@x\.test")

    def test_nspi_and_emsmdb(self):
        rc, out, err = run("resolve", "alice@x.test")
        self.assertEqual(rc, 0, err)
        self.assertIn("smtp-address: alice@x.test\n", out)
        rc, out, err = run("connect")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[0], "connected: Alice Example")

    def test_no_ticket(self):
        env = dict(os.environ, KRB5CCNAME="FILE:/nonexistent/ccache")
        rc, out, err = run("discover", "alice@x.test", env=env)
        self.assertEqual(rc, 3, err)
        self.assertEqual(out, "")
        self.assertRegex(err, r"^mapiclient: \S+: authentication failed \(HTTP 401\)")


if __name__ == "__main__":
    KEYTAB, _, REALM = sys.argv[1], sys.argv[2], sys.argv[3]
    MAPICLIENT = os.environ["MAPICLIENT"]
    it.MAPIHTTPD, it.MAPIADMIN = os.environ["MAPIHTTPD"], os.environ["MAPIADMIN"]
    unittest.main(argv=sys.argv[:1], verbosity=2)
