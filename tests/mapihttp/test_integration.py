#!/usr/bin/env python3
"""Integration tests of mapihttpd: the real daemon on 127.0.0.1 with a
temporary data directory provisioned by mapiadmin, spoken to over HTTP(S)
as a client would.  Run by meson (suite 'integration'):

    test_integration.py MAPIHTTPD MAPIADMIN
"""
import base64
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

MAPIHTTPD = MAPIADMIN = None

NS_REQ = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
NS_RESP = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
NS_2006A = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def pox_request(email=None, legacy_dn=None, schema=NS_2006A):
    parts = ['<?xml version="1.0" encoding="utf-8"?>',
             '<Autodiscover xmlns="%s"><Request>' % NS_REQ]
    if email is not None:
        parts.append("<EMailAddress>%s</EMailAddress>" % email)
    if legacy_dn is not None:
        parts.append("<LegacyDN>%s</LegacyDN>" % legacy_dn)
    parts.append("<AcceptableResponseSchema>%s</AcceptableResponseSchema>" % schema)
    parts.append("</Request></Autodiscover>")
    return "".join(parts).encode()


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def read_response(sock):
    """Reads one HTTP/1.1 response (Content-Length or chunked) from sock."""
    f = sock.makefile("rb")
    line = f.readline()
    if not line:
        raise ConnectionError("connection closed")
    status = int(line.split()[1])
    headers = []
    while True:
        line = f.readline().decode("latin-1").rstrip("\r\n")
        if line == "":
            break
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    resp = Response(status, headers, b"")
    if (resp.header("Transfer-Encoding") or "").lower() == "chunked":
        body = b""
        while True:
            size = int(f.readline().strip(), 16)
            if size == 0:
                f.readline()
                break
            body += f.read(size)
            f.readline()
        resp.body = body
    else:
        resp.body = f.read(int(resp.header("Content-Length") or 0))
    f.close()
    return resp


def raw_request(port, method, target, headers=None, body=b"", tls_ctx=None):
    """Sends the request target verbatim (no client-side normalisation)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if tls_ctx is not None:
        sock = tls_ctx.wrap_socket(sock, server_hostname="localhost")
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: localhost", "Connection: close"]
    if "Content-Length" not in (headers or {}):
        lines.append("Content-Length: %d" % len(body))
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    try:
        return read_response(sock)
    finally:
        sock.close()


class Daemon:
    """A mapihttpd process; its stderr goes to a log file."""

    def __init__(self, data_dir, port, extra=(), tls=None, config=None):
        self.port = port
        self.log_path = os.path.join(data_dir, "daemon-%d.log" % port)
        args = [MAPIHTTPD, "--data-dir", data_dir, "--listen", "127.0.0.1:%d" % port,
                "--hostname", "localhost", "--log-level", "debug"]
        if config is not None:
            args[1:1] = ["-c", config]
        if tls is None:
            args.append("--no-tls")
        else:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        args += list(extra)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stderr=self.log, stdout=self.log)
        self.wait_ready(tls is not None)

    def wait_ready(self, tls):
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("daemon exited: " + self.text())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("daemon did not start: " + self.text())

    def text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.log.close()
        return code


def admin(data_dir, *args):
    return subprocess.run([MAPIADMIN, "--data-dir", data_dir] + list(args),
                          check=True, capture_output=True, text=True).stdout


def user_show(data_dir, address):
    out = admin(data_dir, "user", "show", address)
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


class Env:
    tmp = None
    data = None
    daemon = None
    alice = bob = None


def setUpModule():
    Env.tmp = tempfile.TemporaryDirectory(prefix="mapihttpd-it-")
    Env.data = os.path.join(Env.tmp.name, "data")
    os.mkdir(Env.data)
    admin(Env.data, "domain", "add", "x.test")
    admin(Env.data, "user", "add", "alice@x.test", "--name", "Alice Example",
          "--password", "alice-pw")
    admin(Env.data, "user", "add", "bob@x.test", "--name", "Bob Example",
          "--password", "bob-pw")
    admin(Env.data, "user", "alias", "add", "alice@x.test", "al@x.test")
    Env.alice = user_show(Env.data, "alice@x.test")
    Env.bob = user_show(Env.data, "bob@x.test")
    Env.daemon = Daemon(Env.data, free_port())


def tearDownModule():
    code = Env.daemon.stop()
    log = Env.daemon.text()
    Env.tmp.cleanup()
    if code != 0:
        raise AssertionError("daemon exit status %d\n%s" % (code, log))


def req(method, target, headers=None, body=b"", port=None):
    return raw_request(port or Env.daemon.port, method, target, headers, body)


ALICE = {"Authorization": basic("alice@x.test", "alice-pw"), "X-MapiHttpCapability": "1",
         "Content-Type": "text/xml"}


def parse_pox(body):
    root = ET.fromstring(body)
    assert root.tag == "{%s}Autodiscover" % NS_RESP, root.tag
    return root


def pox_error_code(body):
    root = parse_pox(body)
    code = root.find("{%s}Response/{%s}Error/{%s}ErrorCode" % (NS_RESP, NS_RESP, NS_RESP))
    return None if code is None else code.text


class HealthAndRouting(unittest.TestCase):
    def test_health(self):
        r = req("GET", "/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"ok\n")

    def test_unknown_paths_404(self):
        for target in ("/", "/nothing", "/health/", "/mapi/", "/mapi/emsmdb/x",
                       "/autodiscover/autodiscover.json"):
            self.assertEqual(req("GET", target).status, 404, target)

    def test_method_not_allowed(self):
        self.assertEqual(req("POST", "/health").status, 405)

    def test_request_logged_without_secrets(self):
        req("POST", "/autodiscover/autodiscover.xml?secret=qs", ALICE,
            pox_request("alice@x.test"))
        log = Env.daemon.text()
        self.assertRegex(log, r"info http: request method=POST "
                              r"path=/autodiscover/autodiscover.xml status=200 bytes=\d+ "
                              r"ms=\d+ peer=127.0.0.1 user=alice@x.test tls=no")
        self.assertNotIn("alice-pw", log)
        self.assertNotIn(ALICE["Authorization"].split()[1], log)
        self.assertNotIn("secret=qs", log)


class Autodiscover(unittest.TestCase):
    def settings(self, body):
        root = parse_pox(body)
        resp = root.find("{%s}Response" % NS_2006A)
        self.assertIsNotNone(resp, body)
        return resp

    def test_pox_fields(self):
        r = req("POST", "/autodiscover/autodiscover.xml", ALICE, pox_request("alice@x.test"))
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/xml"))
        resp = self.settings(r.body)
        n = "{%s}" % NS_2006A
        user = resp.find(n + "User")
        self.assertEqual(user.find(n + "DisplayName").text, "Alice Example")
        self.assertEqual(user.find(n + "LegacyDN").text, Env.alice["legacy-dn"])
        self.assertEqual(user.find(n + "AutoDiscoverSMTPAddress").text, "alice@x.test")
        self.assertRegex(user.find(n + "DeploymentId").text, GUID_RE)
        acct = resp.find(n + "Account")
        self.assertEqual(acct.find(n + "AccountType").text, "email")
        self.assertEqual(acct.find(n + "Action").text, "settings")
        mh = [p for p in acct.findall(n + "Protocol") if p.get("Type") == "mapiHttp"]
        self.assertEqual(len(mh), 1)
        self.assertEqual(mh[0].get("Version"), "1")
        base = "http://localhost:%d" % Env.daemon.port
        mbx = "?MailboxId=%s@x.test" % Env.alice["mailbox-guid"]
        for block, ep in (("MailStore", "emsmdb"), ("AddressBook", "nspi")):
            b = mh[0].find(n + block)
            for kind in ("InternalUrl", "ExternalUrl"):
                self.assertEqual(b.find(n + kind).text, "%s/mapi/%s/%s" % (base, ep, mbx))
        exhttp = [p for p in acct.findall(n + "Protocol")
                  if (p.findtext(n + "Type") or "") == "EXHTTP"]
        self.assertEqual(len(exhttp), 1)
        self.assertTrue(exhttp[0].findtext(n + "EwsUrl").startswith(base + "/"))

    def test_pox_case_insensitive_path(self):
        r = req("POST", "/AutoDiscover/AutoDiscover.xml", ALICE, pox_request("alice@x.test"))
        self.assertEqual(r.status, 200)
        self.assertIsNone(pox_error_code(r.body))

    def test_pox_by_legacy_dn_and_alias(self):
        r = req("POST", "/autodiscover/autodiscover.xml", ALICE,
                pox_request(legacy_dn=Env.alice["legacy-dn"]))
        self.assertIsNone(pox_error_code(r.body))
        # LegacyDN wins over EMailAddress ([MS-OXDSCLI] 3.2.5)
        r = req("POST", "/autodiscover/autodiscover.xml", ALICE,
                pox_request("bob@x.test", legacy_dn=Env.alice["legacy-dn"]))
        self.assertIsNone(pox_error_code(r.body))
        # logging in with an alias is logging in as the user
        hdrs = dict(ALICE, Authorization=basic("al@x.test", "alice-pw"))
        r = req("POST", "/autodiscover/autodiscover.xml", hdrs, pox_request("alice@x.test"))
        self.assertIsNone(pox_error_code(r.body))

    def test_pox_errors(self):
        cases = [
            (b"<not xml", "600"),
            (b"", "600"),
            (pox_request("alice@x.test", schema="urn:other"), "601"),
            (b'<?xml version="1.0"?><Autodiscover xmlns="%s"><Request>'
             b'<AcceptableResponseSchema>%s</AcceptableResponseSchema></Request>'
             b'</Autodiscover>' % (NS_REQ.encode(), NS_2006A.encode()), "600"),
            (pox_request("nobody@x.test"), "500"),
            (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
             b'<Autodiscover xmlns="%s"/>' % NS_REQ.encode(), "600"),
        ]
        for body, code in cases:
            r = req("POST", "/autodiscover/autodiscover.xml", ALICE, body)
            self.assertEqual(r.status, 200, body)
            self.assertEqual(pox_error_code(r.body), code, body)

    def test_other_users_settings_refused(self):
        for body in (pox_request("bob@x.test"), pox_request(legacy_dn=Env.bob["legacy-dn"])):
            r = req("POST", "/autodiscover/autodiscover.xml", ALICE, body)
            self.assertEqual(pox_error_code(r.body), "500")
            self.assertNotIn(b"Bob Example", r.body)
            self.assertNotIn(Env.bob["mailbox-guid"].encode(), r.body)

    def test_json(self):
        r = req("GET", "/autodiscover/autodiscover.json/v1.0/alice@x.test"
                       "?Protocol=AutodiscoverV1", ALICE)
        self.assertEqual(r.status, 200)
        import json
        j = json.loads(r.body)
        self.assertEqual(j, {"Protocol": "AutodiscoverV1",
                             "Url": "http://localhost:%d/autodiscover/autodiscover.xml"
                                    % Env.daemon.port})
        r = req("GET", "/autodiscover/autodiscover.json/v1.0/alice@x.test?Protocol=Ews", ALICE)
        self.assertEqual(r.status, 400)
        self.assertEqual(json.loads(r.body)["ErrorCode"], "ProtocolNotSupported")
        r = req("GET", "/autodiscover/autodiscover.json/v1.0/alice@x.test", ALICE)
        self.assertEqual(json.loads(r.body)["ErrorCode"], "MandatoryParameterMissing")

    def test_redirect_on_plain_http(self):
        r = req("GET", "/autodiscover/autodiscover.xml")
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header("Location"),
                         "https://localhost/autodiscover/autodiscover.xml")


class Authentication(unittest.TestCase):
    AUTHED = [("POST", "/autodiscover/autodiscover.xml"),
              ("GET", "/autodiscover/autodiscover.json/v1.0/alice@x.test?Protocol=AutodiscoverV1"),
              ("POST", "/mapi/emsmdb/"), ("POST", "/mapi/nspi/")]

    def test_401_without_or_with_bad_credentials(self):
        bad = [None, basic("alice@x.test", "wrong"), basic("nobody@x.test", "x"),
               "Basic !!!", "Bearer abc", "Basic " + base64.b64encode(b"nocolon").decode()]
        for method, target in self.AUTHED:
            for auth in bad:
                hdrs = {} if auth is None else {"Authorization": auth}
                r = req(method, target, hdrs, pox_request("alice@x.test"))
                self.assertEqual(r.status, 401, (target, auth))
                self.assertEqual(r.header("WWW-Authenticate"),
                                 'Basic realm="localhost", charset="UTF-8"')
                self.assertIsNone(r.header("X-ResponseCode"))

    def test_failures_logged_without_secret(self):
        req("POST", "/mapi/emsmdb/", {"Authorization": basic("bob@x.test", "guess-123")})
        log = Env.daemon.text()
        self.assertIn("warn auth: failed scheme=basic user=bob@x.test peer=127.0.0.1", log)
        self.assertNotIn("guess-123", log)

    def test_mapi_transport_errors(self):
        """[MS-OXCMAPIHTTP] 2.2.3.3.3: transport failures are HTTP 200 with an
        X-ResponseCode and the identifying headers echoed (the request types
        themselves are tested by test_mapihttp_*)."""
        base = {"Authorization": basic("alice@x.test", "alice-pw"),
                "X-RequestId": "{E2B5A8E7-0000-4000-8000-000000000001}:1",
                "X-ClientInfo": "{A}:1", "Content-Type": "application/mapi-http"}
        cases = (("/mapi/emsmdb/?MailboxId=x@x.test", "Connect", "12"),  # empty body
                 ("/mapi/nspi/?MailboxId=x@x.test", "Connect", "5"))     # not an NSPI type
        for target, rtype, code in cases:
            r = req("POST", target, dict(base, **{"X-RequestType": rtype}))
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("X-ResponseCode"), code, target)
            self.assertEqual(r.header("X-RequestId"), "{E2B5A8E7-0000-4000-8000-000000000001}:1")
            self.assertEqual(r.header("X-RequestType"), rtype)

    def test_keep_alive_after_401(self):
        sock = socket.create_connection(("127.0.0.1", Env.daemon.port), timeout=10)
        try:
            sock.sendall(b"POST /mapi/emsmdb/ HTTP/1.1\r\nHost: localhost\r\n"
                         b"Content-Length: 4\r\n\r\nabcd")
            self.assertEqual(read_response(sock).status, 401)
            sock.sendall(b"POST /mapi/emsmdb/ HTTP/1.1\r\nHost: localhost\r\n"
                         b"Authorization: " + basic("alice@x.test", "alice-pw").encode() +
                         b"\r\nContent-Length: 0\r\n\r\n")
            r = read_response(sock)
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("X-ResponseCode"), "7")  # no X-RequestType
        finally:
            sock.close()


class PathConfusion(unittest.TestCase):
    """No path trick reaches a route its clean path does not name."""
    HOSTILE = [
        ("GET", "/autodiscover/autodiscover.json?@x/mapi/emsmdb/", (404,)),
        ("POST", "/autodiscover/autodiscover.json?@x/mapi/nspi/?&Email=autodiscover/"
                 "autodiscover.json%3F@x", (404,)),
        ("POST", "/autodiscover/autodiscover.json/v1.0/x?/mapi/emsmdb/", (405,)),
        ("POST", "/mapi/emsmdb/../nspi/", (400,)),
        ("POST", "/mapi/nspi/../emsmdb/", (400,)),
        ("POST", "/mapi/emsmdb/%2e%2e/nspi/", (400,)),
        ("POST", "/mapi/emsmdb/%2E%2E/nspi/", (400,)),
        ("POST", "/mapi%2femsmdb/", (400,)),
        ("POST", "/mapi/./emsmdb/", (400,)),
        ("POST", "//mapi/emsmdb/", (400,)),
        ("POST", "/mapi//emsmdb/", (400,)),
        ("POST", "/Autodiscover/Autodiscover.json/../../mapi/emsmdb/", (400,)),
        ("GET", "/autodiscover/autodiscover.json/v1.0/..%2f..%2fmapi%2femsmdb%2f", (400,)),
        ("POST", "/mapi/emsmdb/%00", (400,)),
        ("POST", "/mapi/emsmdb%252f", (400,)),
        ("POST", "/mapi\\emsmdb/", (400,)),
        ("POST", "/MAPI/EMSMDB/", (404,)),
        ("POST", "/mapi/emsmdb/;x", (404,)),
        ("POST", "http://localhost/mapi/emsmdb/", (400,)),
        ("POST", "/" + "a" * 2000, (414,)),
    ]

    def test_hostile_paths(self):
        hdrs = {"Authorization": basic("alice@x.test", "alice-pw")}
        for method, target, expect in self.HOSTILE:
            r = req(method, target, hdrs)
            self.assertIn(r.status, expect, target)
            self.assertIsNone(r.header("X-ResponseCode"), target)


class Limits(unittest.TestCase):
    def test_body_too_large(self):
        r = req("POST", "/autodiscover/autodiscover.xml",
                {"Authorization": basic("alice@x.test", "alice-pw"),
                 "Content-Length": str(64 * 1024 * 1024)})
        self.assertEqual(r.status, 413)
        r = req("POST", "/mapi/emsmdb/", {"Content-Length": str(64 * 1024 * 1024)})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("X-ResponseCode"), "9")


def make_cert(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


class Tls(unittest.TestCase):
    def test_tls(self):
        cert, key = make_cert(Env.tmp.name)
        d = Daemon(Env.data, free_port(), tls=(cert, key))
        try:
            ctx = ssl.create_default_context(cafile=cert)
            r = raw_request(d.port, "POST", "/autodiscover/autodiscover.xml", ALICE,
                            pox_request("alice@x.test"), tls_ctx=ctx)
            self.assertEqual(r.status, 200)
            root = parse_pox(r.body)
            url = root.find(".//{%s}MailStore/{%s}ExternalUrl" % (NS_2006A, NS_2006A)).text
            self.assertTrue(url.startswith("https://localhost:%d/mapi/emsmdb/" % d.port))
            # no plain-HTTP redirect on a TLS listener
            r = raw_request(d.port, "GET", "/autodiscover/autodiscover.xml", tls_ctx=ctx)
            self.assertEqual(r.status, 405)
            # TLS 1.2 is served too (Outlook 2016 on older Windows)
            old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            old.load_verify_locations(cert)
            old.minimum_version = ssl.TLSVersion.TLSv1_2
            old.maximum_version = ssl.TLSVersion.TLSv1_2
            r = raw_request(d.port, "GET", "/health", tls_ctx=old)
            self.assertEqual(r.status, 200)
            # plain HTTP on the TLS port gets no answer
            with self.assertRaises((ConnectionError, OSError, ValueError, IndexError)):
                raw_request(d.port, "GET", "/health")
        finally:
            self.assertEqual(d.stop(), 0)


class Lifecycle(unittest.TestCase):
    def test_sigterm_finishes_in_flight_request(self):
        d = Daemon(Env.data, free_port())
        body = pox_request("alice@x.test")
        sock = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        head = ("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: localhost\r\n"
                "Authorization: %s\r\nContent-Length: %d\r\n\r\n"
                % (basic("alice@x.test", "alice-pw"), len(body))).encode()
        sock.sendall(head + body[:10])
        time.sleep(0.3)  # the request is now in flight
        d.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        self.assertIsNone(d.proc.poll(), "exited with a request in flight")
        # no new connections while stopping
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", d.port), timeout=2).close()
        sock.sendall(body[10:])
        r = read_response(sock)
        sock.close()
        self.assertEqual(r.status, 200)
        self.assertIsNone(pox_error_code(r.body))
        self.assertEqual(d.proc.wait(timeout=10), 0)
        log = d.text()
        d.log.close()
        self.assertIn("mapihttpd: stopping signal=TERM inflight=1", log)
        self.assertIn("mapihttpd: stopped", log)

    def test_sigterm_with_password_checks_queued(self):
        """Stopped with no time for requests in flight while 40 password
        checks are queued: the checks run to their end before the directory
        is closed (they used it after it was freed), each request gets its
        401, and the daemon stops cleanly."""
        conf = os.path.join(Env.tmp.name, "stop-now.conf")
        with open(conf, "w") as f:
            f.write("[limits]\nshutdown_timeout = 0\n")
        d = Daemon(Env.data, free_port(), config=conf)
        body = pox_request("alice@x.test")
        socks = []
        for i in range(40):
            sock = socket.create_connection(("127.0.0.1", d.port), timeout=10)
            sock.sendall(("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: localhost\r\n"
                          "Authorization: %s\r\nContent-Length: %d\r\n\r\n"
                          % (basic("alice@x.test", "wrong-%d" % i), len(body))).encode() + body)
            socks.append(sock)
        time.sleep(0.05)
        d.proc.send_signal(signal.SIGTERM)
        self.assertEqual(d.proc.wait(timeout=30), 0)
        statuses = []
        for sock in socks:
            statuses.append(read_response(sock).status)
            sock.close()
        self.assertEqual(statuses, [401] * 40)
        log = d.text()
        d.log.close()
        self.assertNotIn("stop suspended", log)
        self.assertIn("mapihttpd: stopped", log)

    def test_sigint(self):
        d = Daemon(Env.data, free_port())
        d.proc.send_signal(signal.SIGINT)
        self.assertEqual(d.proc.wait(timeout=10), 0)
        d.log.close()

    def run_bad(self, args, expect_code, expect_text):
        p = subprocess.run([MAPIHTTPD] + args, capture_output=True, text=True, timeout=20)
        self.assertEqual(p.returncode, expect_code, (args, p.stderr))
        self.assertIn(expect_text, p.stderr, args)

    def test_bad_config(self):
        conf = os.path.join(Env.tmp.name, "bad.conf")
        with open(conf, "w") as f:
            f.write("[server]\nlisten = 127.0.0.1:1\nthreads = many\n")
        port = str(free_port())
        base = ["--data-dir", Env.data, "--hostname", "localhost"]
        self.run_bad(["-c", conf] + base, 2, "bad.conf:3: want a non-negative integer")
        self.run_bad(["-c", "/nonexistent.conf"], 2, "/nonexistent.conf: No such file")
        self.run_bad(["--frob"], 2, "unknown option --frob")
        self.run_bad(["--listen", "localhost:80", "--no-tls"] + base, 2, "bad IPv4 address")
        self.run_bad(base + ["--listen", "127.0.0.1:" + port], 2, "TLS needs --tls-cert")
        self.run_bad(base + ["--listen", "127.0.0.1:" + port, "--tls-cert", "/nonexistent",
                             "--tls-key", "/nonexistent"], 1, "/nonexistent")
        self.run_bad(base + ["--no-tls", "--listen", "127.0.0.1:%d" % Env.daemon.port], 1,
                     "cannot listen on 127.0.0.1:%d" % Env.daemon.port)
        self.run_bad(["--no-tls", "--hostname", "bad host"], 2, "want a DNS name")

    def test_config_file_and_overrides(self):
        port = free_port()
        conf = os.path.join(Env.tmp.name, "good.conf")
        with open(conf, "w") as f:
            f.write("[server]\nlisten = 127.0.0.1:1\nexternal_url = https://mail.x.test/\n"
                    "[limits]\nmax_body_size = 1K\n")
        d = Daemon(Env.data, port, config=conf)
        try:
            r = req("POST", "/autodiscover/autodiscover.xml", ALICE, pox_request("alice@x.test"),
                    port=port)
            self.assertIn(b"<ExternalUrl>https://mail.x.test/mapi/emsmdb/", r.body)
            r = req("POST", "/autodiscover/autodiscover.xml", ALICE, b"x" * 2048, port=port)
            self.assertEqual(r.status, 413)
        finally:
            self.assertEqual(d.stop(), 0)

    def test_help_version(self):
        p = subprocess.run([MAPIHTTPD, "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--listen ADDR:PORT", p.stdout)
        p = subprocess.run([MAPIHTTPD, "--version"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^mapihttpd \d+\.\d+")


if __name__ == "__main__":
    MAPIHTTPD, MAPIADMIN = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
