#!/usr/bin/env python3
"""mapiclient against the real daemon: mapihttpd on 127.0.0.1 with a
temporary data directory provisioned by mapiadmin, plain HTTP on loopback,
Basic and NTLM.  Every test checks what the command PRINTS, not only its
exit status.  Run by meson (suites 'client' and 'integration'):

    test_mapiclient.py MAPICLIENT MAPIHTTPD MAPIADMIN
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mapihttp"))
import test_integration as it  # noqa: E402  (Daemon, admin, user_show, free_port)

MAPICLIENT = None
GUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# exit statuses (client/mapiclient_cli.h)
EXIT_FAIL, EXIT_USAGE, EXIT_AUTH, EXIT_NETWORK = 1, 2, 3, 4


class Env:
    tmp = data = daemon = None
    alice = bob = None


def setUpModule():
    Env.tmp = tempfile.TemporaryDirectory(prefix="mapiclient-it-")
    Env.data = os.path.join(Env.tmp.name, "data")
    os.mkdir(Env.data)
    it.admin(Env.data, "domain", "add", "x.test")
    it.admin(Env.data, "user", "add", "alice@x.test", "--name", "Alice Example",
             "--password", "alice-pw")
    it.admin(Env.data, "user", "add", "bob@x.test", "--name", "Bob Example",
             "--password", "bob-pw")
    Env.alice = it.user_show(Env.data, "alice@x.test")
    Env.bob = it.user_show(Env.data, "bob@x.test")
    conf = os.path.join(Env.tmp.name, "mapihttpd.conf")
    with open(conf, "w") as f:
        # NotificationWait held 1 s (Exchange: 300) so watch can be tested
        f.write("[auth]\nschemes = basic,ntlm\ndefault_domain = x.test\n"
                "[mapi]\nnotification_wait = 1\n")
    Env.daemon = it.Daemon(Env.data, it.free_port(), config=conf)


def tearDownModule():
    code = Env.daemon.stop()
    log = Env.daemon.text()
    Env.tmp.cleanup()
    if code != 0:
        raise AssertionError("daemon exit status %d\n%s" % (code, log))


def server():
    return "http://127.0.0.1:%d" % Env.daemon.port


def run(*args, user="alice@x.test", password="alice-pw", auth=None, stdin=None, srv=True):
    cmd = [MAPICLIENT]
    if srv:
        cmd += ["--server", server()]
    if user is not None:
        cmd += ["--user", user]
    if password is not None:
        cmd += ["--password", password]
    if auth is not None:
        cmd += ["--auth", auth]
    cmd += list(args)
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def fields(out):
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


class Discover(unittest.TestCase):
    def check_alice(self, out):
        f = fields(out)
        base = "http://localhost:%d" % Env.daemon.port
        mbx = "?MailboxId=%s@x.test" % Env.alice["mailbox-guid"]
        self.assertEqual(f["address"], "alice@x.test")
        self.assertEqual(f["json-url"], server() +
                         "/autodiscover/autodiscover.json/v1.0/alice@x.test")
        self.assertEqual(f["autodiscover-url"], base + "/autodiscover/autodiscover.xml")
        self.assertEqual(f["display-name"], "Alice Example")
        self.assertEqual(f["legacy-dn"], Env.alice["legacy-dn"])
        self.assertEqual(f["smtp-address"], "alice@x.test")
        self.assertRegex(f["deployment-id"], "^" + GUID_RE + "$")
        self.assertEqual(f["mapihttp-version"], "1")
        for kind in ("internal", "external"):
            self.assertEqual(f["mailstore-%s-url" % kind], base + "/mapi/emsmdb/" + mbx)
            self.assertEqual(f["addressbook-%s-url" % kind], base + "/mapi/nspi/" + mbx)
        self.assertTrue(f["ews-url"].startswith(base + "/"))

    def test_basic(self):
        rc, out, err = run("discover", "alice@x.test", user=None)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        self.check_alice(out)

    def test_ntlm(self):
        rc, out, err = run("discover", "alice@x.test", auth="ntlm")
        self.assertEqual(rc, 0, err)
        self.check_alice(out)

    def test_password_stdin(self):
        rc, out, err = run("--password-stdin", "discover", "alice@x.test", password=None,
                           stdin="alice-pw\n")
        self.assertEqual(rc, 0, err)
        self.check_alice(out)

    def test_wrong_password(self):
        for auth in ("basic", "ntlm"):
            rc, out, err = run("discover", "alice@x.test", password="not-the-pw", auth=auth)
            self.assertEqual(rc, EXIT_AUTH, (auth, out, err))
            self.assertEqual(out, "")
            self.assertRegex(err, r"^mapiclient: \S+: authentication failed \(HTTP 401\)")
            self.assertIn("alice@x.test", err)
            self.assertNotIn("not-the-pw", err)

    def test_unknown_address(self):
        rc, out, err = run("discover", "nobody@x.test")
        self.assertEqual(rc, EXIT_FAIL)
        self.assertEqual(out, "")
        self.assertRegex(err, r"^mapiclient: autodiscover for nobody@x.test: error 500: \S")

    def test_other_users_address(self):
        rc, out, err = run("discover", "bob@x.test")
        self.assertEqual(rc, EXIT_FAIL)
        self.assertIn("autodiscover for bob@x.test: error 500", err)
        self.assertNotIn("Bob Example", out + err)

    def test_unreachable(self):
        port = it.free_port()
        p = subprocess.run([MAPICLIENT, "--server", "http://127.0.0.1:%d" % port,
                            "--password", "x", "discover", "alice@x.test"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, EXIT_NETWORK)
        self.assertRegex(p.stderr, r"^mapiclient: http://127\.0\.0\.1:%d/.*[Cc]onnect" % port)


class Tls(unittest.TestCase):
    """A TLS listener with a self-signed certificate: refused unless
    --insecure, then discovery and MAPI/HTTP over https."""

    def test_insecure(self):
        cert, key = it.make_cert(Env.tmp.name)
        d = it.Daemon(Env.data, it.free_port(), tls=(cert, key))
        try:
            base = "https://127.0.0.1:%d" % d.port
            p = subprocess.run([MAPICLIENT, "--server", base, "--password", "alice-pw",
                                "discover", "alice@x.test"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, EXIT_NETWORK, p.stderr)
            self.assertEqual(p.stdout, "")
            self.assertRegex(p.stderr, r"^mapiclient: https://127\.0\.0\.1:%d/.*"
                                       r"[Cc]ertificate" % d.port)
            p = subprocess.run([MAPICLIENT, "--server", base, "--insecure", "--password",
                                "alice-pw", "discover", "alice@x.test"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            f = fields(p.stdout)
            self.assertTrue(f["mailstore-internal-url"].startswith(
                "https://localhost:%d/mapi/emsmdb/?MailboxId=" % d.port), p.stdout)
            p = subprocess.run([MAPICLIENT, "--server", base, "--insecure", "--user",
                                "alice@x.test", "--password", "alice-pw", "ping"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, "emsmdb: PING ok\nnspi: PING ok\n")
        finally:
            self.assertEqual(d.stop(), 0)


class Usage(unittest.TestCase):
    def test_errors(self):
        cases = [
            ([], "usage: mapiclient"),
            (["frobnicate"], "unknown command frobnicate"),
            (["--auth", "kerberos", "gal"], "unknown --auth kerberos"),
            (["discover"], "usage: mapiclient [options] discover ADDRESS"),
            (["resolve", "a", "b"], "usage: mapiclient [options] resolve NAME"),
        ]
        for args, msg in cases:
            rc, out, err = run(*args)
            self.assertEqual(rc, EXIT_USAGE, args)
            self.assertIn(msg, err, args)
        rc, out, err = run("gal", password=None)
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn("--password or --password-stdin is required", err)
        rc, out, err = run("gal", user=None)
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn("--user ADDRESS is required", err)

    def test_help(self):
        p = subprocess.run([MAPICLIENT, "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        for cmd in ("discover", "resolve", "gal", "folders", "ladder"):
            self.assertRegex(p.stdout, r"\n  %s " % cmd)


class Trace(unittest.TestCase):
    def test_trace_discover(self):
        rc, out, err = run("--trace", "discover", "alice@x.test")
        self.assertEqual(rc, 0, err)
        self.assertIn("> GET %s/autodiscover/autodiscover.json/v1.0/alice@x.test" % server(), err)
        self.assertIn("> X-MapiHttpCapability: 1", err)
        self.assertIn("<EMailAddress>alice@x.test</EMailAddress>", err)
        self.assertIn("< HTTP 200", err)
        self.assertIn("<DisplayName>Alice Example</DisplayName>", err)
        self.assertNotIn("alice-pw", err)
        self.assertNotIn("YWxpY2VAeC50ZXN0OmFsaWNlLXB3", err)  # base64 of the credentials

    def test_trace_mapi_headers_cookies_ids(self):
        rc, out, err = run("--trace", "connect")
        self.assertEqual(rc, 0, err)
        self.assertIn("> Content-Type: application/mapi-http", err)
        self.assertIn("> X-RequestType: Connect", err)
        self.assertIn("> X-RequestType: Disconnect", err)
        self.assertRegex(err, r"> X-ClientApplication: Outlook/16\.")
        ids = re.findall(r"> X-RequestId: (\{[0-9A-F-]{36}\}):(\d+)", err)
        self.assertGreaterEqual(len(ids), 2)
        self.assertEqual(len({g for g, _ in ids}), 1)  # one GUID per session
        self.assertEqual([int(n) for _, n in ids], list(range(1, len(ids) + 1)))
        # the server's answers echo them
        echoed = re.findall(r"< X-RequestId: (\{[0-9A-F-]{36}\}:\d+)", err)
        self.assertEqual(echoed, ["%s:%s" % i for i in ids])
        # cookies set by Connect go back with Disconnect, values never printed
        self.assertRegex(err, r"< Set-Cookie: \w+=\(value not shown\)")
        disconnect = err[err.index("> X-RequestType: Disconnect"):]
        self.assertRegex(disconnect, r"> Cookie: \(\d+ bytes\)")
        # the framing: PROCESSING ... DONE in the body dump
        self.assertIn("PROCESSING..", err)
        # bodies decoded by the codec's printer, both ways
        self.assertIn("> Connect request body decoded:\n>   Connect request\n", err)
        self.assertIn(">   UserDn: \"%s\"" % Env.alice["legacy-dn"], err)
        self.assertIn("< Connect response body decoded:\n<   Connect response\n", err)
        self.assertIn('<   DisplayName: "Alice Example"\n', err)
        self.assertNotIn("alice-pw", err)


    def test_trace_rows_decoded(self):
        rc, out, err = run("--trace", "folders")
        self.assertEqual(rc, 0, err)
        self.assertIn("<         RopQueryRows (0x15) response\n", err)
        self.assertIn('<                 value: "Top of Information Store"\n', err)
        self.assertNotIn("! offset", err)  # every body decodes

    def execute_request_headers(self, trace):
        """(Execute Flags, RPC_HEADER_EXT Flags) of each Execute request:
        the first line of each request dump ([MS-OXCMAPIHTTP] 2.2.4.2.1:
        Flags, RopBufferSize, then the RPC_HEADER_EXT of [MS-OXCRPC] 2.2.2.1)."""
        out = []
        for part in trace.split("> X-RequestType: Execute")[1:]:
            m = re.search(r"> 000000  ((?:[0-9a-f]{2} ){16})", part)
            b = bytes.fromhex(m.group(1).replace(" ", ""))
            out.append((int.from_bytes(b[0:4], "little"), int.from_bytes(b[10:12], "little")))
        return out

    def test_execute_compression_as_outlook(self):
        rc, plain_out, err = run("--trace", "folders")
        self.assertEqual(rc, 0, err)
        hdrs = self.execute_request_headers(err)
        self.assertGreaterEqual(len(hdrs), 2)
        for flags, ext in hdrs:
            self.assertEqual(flags, 0)          # the server may compress and XOR
            self.assertEqual(ext & 0x6, 0x6)    # XorMagic | Last
        self.assertTrue(any(ext & 0x1 for _, ext in hdrs))  # some block compressed
        # --no-compress: NoCompression | NoXorMagic, plain blocks, same answer
        # (the client refuses a compressed or XORed response block then)
        rc, out, err = run("--no-compress", "--trace", "folders")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, plain_out)
        hdrs = self.execute_request_headers(err)
        self.assertEqual({h for h in hdrs}, {(3, 0x4)})


class AddressBook(unittest.TestCase):
    def test_resolve(self):
        rc, out, err = run("resolve", "bob")
        self.assertEqual(rc, 0, err)
        f = fields(out)
        self.assertEqual(out.splitlines()[0], "bob: resolved")
        self.assertEqual(f["display-name"], "Bob Example")
        self.assertEqual(f["smtp-address"], "bob@x.test")
        self.assertEqual(f["email-address"], Env.bob["legacy-dn"])
        self.assertEqual(f["address-type"], "EX")

    def test_resolve_ntlm(self):
        rc, out, err = run("resolve", "alice@x.test", auth="ntlm")
        self.assertEqual(rc, 0, err)
        self.assertEqual(fields(out)["email-address"], Env.alice["legacy-dn"])

    def test_resolve_not_found(self):
        rc, out, err = run("resolve", "zz-no-such-name")
        self.assertEqual(rc, EXIT_FAIL)
        self.assertEqual(out, "zz-no-such-name: not found\n")

    def test_gal(self):
        rc, out, err = run("gal")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        m = re.match(r"containers: (\d+)$", lines[0])
        self.assertIsNotNone(m, out)
        ncont = int(m.group(1))
        self.assertGreaterEqual(ncont, 1)
        rows = lines[1 + ncont:-1]
        self.assertEqual(lines[-1], "entries: %d" % len(rows))
        self.assertIn("Alice Example\talice@x.test\t%s" % Env.alice["legacy-dn"], rows)
        self.assertIn("Bob Example\tbob@x.test\t%s" % Env.bob["legacy-dn"], rows)
        self.assertEqual(len(rows), 2)


class MailStore(unittest.TestCase):
    def test_ping(self):
        rc, out, err = run("ping")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "emsmdb: PING ok\nnspi: PING ok\n")

    def test_connect(self):
        rc, out, err = run("connect")
        self.assertEqual(rc, 0, err)
        f = fields(out)
        self.assertEqual(f["connected"], "Alice Example")
        self.assertTrue(Env.alice["legacy-dn"].startswith(f["dn-prefix"] + "/"), out)
        self.assertGreater(int(f["polls-max"]), 0)
        self.assertRegex(f["server-aux"], r"^(\(none\)|(AUX_\w+)( AUX_\w+)*)$")
        self.assertEqual(out.splitlines()[-1], "disconnected")

    def test_folders(self):
        """The hierarchy when the server serves the folder ROPs, else the
        server's error by name and a non-zero exit."""
        rc, out, err = run("folders")
        if rc == 0:
            lines = out.splitlines()
            self.assertIn("Top of Information Store (0 items, 0 unread)", lines)
            self.assertIn("  Inbox (0 items, 0 unread)", lines)
            for line in lines:
                self.assertRegex(line, r"^( {2})*\S.* \(\d+ items, \d+ unread\)$")
        else:
            self.assertEqual(rc, EXIT_FAIL)
            self.assertRegex(err, r"^mapiclient: (Rop\w+: ReturnValue 0x[0-9a-f]{8} \(\w+\)|"
                                  r"\w+: the server answered X-ResponseCode \d+ \()")

    def test_list(self):
        """An empty Inbox lists no message (or, while the server does not
        serve contents tables, its error by name)."""
        rc, out, err = run("list", "inbox")
        if rc == 0:
            self.assertEqual(out, "messages: 0\n")
        else:
            self.assertEqual(rc, EXIT_FAIL)
            self.assertRegex(err, r"^mapiclient: Rop\w+: ReturnValue 0x[0-9a-f]{8} \(\w+\)")
        rc, out, err = run("list", "No Such Folder")
        self.assertEqual(rc, EXIT_USAGE)
        self.assertEqual(err, 'mapiclient: no folder called "No Such Folder" in the mailbox\n')

    def test_show_missing_message(self):
        """A message that does not exist: the server's RopOpenMessage error,
        named, and exit 1."""
        rc, out, err = run("show", "0001000000000017/00010000deadbeef")
        self.assertEqual(rc, EXIT_FAIL)
        self.assertEqual(out, "")
        # [MS-OXCMSG] 3.2.5.1: ecNotFound for a message that does not exist
        self.assertEqual(err, "mapiclient: RopOpenMessage: ReturnValue 0x8004010f (NotFound)\n")
        rc, out, err = run("show", "not-an-id")
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn("MESSAGE is FOLDERID/MESSAGEID", err)

    def test_watch(self):
        """NotificationWait held by the server until its wait ends, no event
        pending without a registration."""
        t0 = time.monotonic()
        rc, out, err = run("watch", "2")
        elapsed = time.monotonic() - t0
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "NotificationWait: no event\n" * 2)
        self.assertGreaterEqual(elapsed, 1.5)
        rc, out, err = run("watch", "0")
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn("COUNT must be a positive number", err)

    def test_ladder(self):
        self.check_ladder(None)

    def test_ladder_ntlm(self):
        self.check_ladder("ntlm")

    def check_ladder(self, auth):
        rc, out, err = run("ladder", auth=auth)
        lines = out.splitlines()
        # what the server serves today: discovery, the address book, Connect
        self.assertEqual(lines[:15], ["PASS autodiscover", "PASS nspi Bind",
                                      "PASS nspi GetSpecialTable", "PASS nspi QueryRows",
                                      "PASS nspi ResolveNames", "PASS nspi DNToMId",
                                      "PASS nspi GetProps", "PASS nspi GetMatches",
                                      "PASS nspi SeekEntries", "PASS nspi UpdateStat",
                                      "PASS nspi QueryColumns + GetPropList",
                                      "PASS nspi CompareMIds",
                                      "PASS nspi GetMailboxUrl + GetAddressBookUrl",
                                      "PASS nspi Unbind", "PASS emsmdb Connect"])
        counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        for line in lines[:-1]:
            m = re.match(r"^(PASS|FAIL|SKIP) (\w.*?)(: .+)?$", line)
            self.assertIsNotNone(m, line)
            self.assertEqual(m.group(1) == "FAIL", m.group(3) is not None, line)
            counts[m.group(1)] += 1
        self.assertEqual(lines[-1], "ladder: %d passed, %d failed, %d skipped"
                         % (counts["PASS"], counts["FAIL"], counts["SKIP"]))
        self.assertEqual(rc, 0 if counts["FAIL"] + counts["SKIP"] == 0 else EXIT_FAIL)
        # stages 4-5: what the server serves today, every step checked
        self.assertEqual(lines[15:-1], ["PASS emsmdb RopLogon",
                                        "PASS emsmdb RopGetReceiveFolder IPM",
                                        "PASS emsmdb RopGetStoreState",
                                        "PASS emsmdb RopLongTermIdFromId + RopIdFromLongTermId",
                                        "PASS emsmdb RopGetPropertyIdsFromNames",
                                        "PASS emsmdb special folder entry IDs on Root",
                                        "PASS emsmdb special folder entry IDs on Inbox",
                                        "PASS emsmdb hierarchy table of Root",
                                        "PASS emsmdb contents table of Inbox",
                                        "PASS emsmdb PING", "PASS emsmdb Disconnect"])
        self.assertEqual(rc, 0)


# ------------------------------------------------------------ a fake server --
# A scripted MAPI/HTTP server (stdlib only) for what the real daemon does not
# do on demand: PENDING keep-alives spread over HTTP chunks, a non-zero
# X-ResponseCode with diagnostic text, an X-RequestId not echoed.  It checks
# the client's requests as [MS-OXCMAPIHTTP] 2.2.2.1 and 3.1.5.2 say.
import http.server  # noqa: E402
import struct  # noqa: E402
import threading  # noqa: E402

FAKE_DN = "/o=Fake/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=fake"


class FakeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []      # (request type, headers) of each MAPI request
    ping_mode = "context-not-found"

    def log_message(self, *args):
        pass

    def send_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def pox(self, base):
        mbx = "?MailboxId=fake@fake.test"
        return ('<?xml version="1.0" encoding="utf-8"?>'
                '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/'
                'responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/'
                'autodiscover/outlook/responseschema/2006a"><User><DisplayName>Fake User'
                '</DisplayName><LegacyDN>%s</LegacyDN><AutoDiscoverSMTPAddress>fake@fake.test'
                '</AutoDiscoverSMTPAddress><DeploymentId>00000000-0000-4000-8000-000000000001'
                '</DeploymentId></User><Account><AccountType>email</AccountType><Action>'
                'settings</Action><Protocol Type="mapiHttp" Version="1"><MailStore><InternalUrl>'
                '%s/mapi/emsmdb/%s</InternalUrl></MailStore><AddressBook><InternalUrl>'
                '%s/mapi/nspi/%s</InternalUrl></AddressBook></Protocol></Account></Response>'
                '</Autodiscover>' % (FAKE_DN, base, mbx, base, mbx)).encode()

    def do_GET(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Authorization") != it.basic("fake@fake.test", "fake-pw"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="fake"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/autodiscover/"):
            out = self.pox("http://127.0.0.1:%d" % self.server.server_port)
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
            return
        rtype = self.headers.get("X-RequestType")
        FakeHandler.seen.append((rtype, dict(self.headers), body))
        handler = {"Connect": self.connect, "Disconnect": self.disconnect,
                   "PING": self.ping}.get(rtype)
        handler()

    def head(self, code, chunked=True, cookie=None, request_id=None, length=None):
        self.send_response(200)
        self.send_header("Content-Type", "application/mapi-http")
        self.send_header("X-RequestType", self.headers.get("X-RequestType"))
        self.send_header("X-RequestId", request_id or self.headers.get("X-RequestId"))
        self.send_header("X-ResponseCode", str(code))
        self.send_header("X-PendingPeriod", "100")
        if cookie:
            self.send_header("Set-Cookie", cookie)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length or 0))
        self.end_headers()

    connect_mode = "ok"

    def connect_broken(self, mode):
        """Answers that break the protocol, one way each."""
        if mode == "http-500":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif mode == "no-response-code":
            self.send_response(200)
            self.send_header("X-RequestId", self.headers.get("X-RequestId"))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif mode == "unframed":
            self.head(0, chunked=False, length=8)
            self.wfile.write(struct.pack("<II", 0, 0))
        elif mode == "truncated":  # a Connect body cut inside DnPrefix
            self.head(0)
            self.send_chunk(b"PROCESSING\r\nDONE\r\n\r\n" +
                            struct.pack("<IIIII", 0, 0, 1, 1, 1) + b"/o=Fa")
            self.send_chunk(b"")
        elif mode == "stall":  # PROCESSING, then no PENDING for 50 X-PendingPeriods
            self.head(0)
            self.send_chunk(b"PROCESSING\r\n")
            time.sleep(5)
        elif mode == "status-code":  # the failure body of 2.2.4.1.3
            self.head(0)
            self.send_chunk(b"PROCESSING\r\nDONE\r\n\r\n" + struct.pack("<II", 0x80040111, 0))
            self.send_chunk(b"")

    def connect(self):
        if FakeHandler.connect_mode != "ok":
            self.connect_broken(FakeHandler.connect_mode)
            return
        # [MS-OXCMAPIHTTP] 2.2.4.1.2: StatusCode, ErrorCode, PollsMax,
        # RetryCount, RetryDelay, DnPrefix, DisplayName, AuxiliaryBufferSize
        resp = (struct.pack("<IIIII", 0, 0, 1000, 3, 500) + b"/o=Fake\0" +
                "Fake User".encode("utf-16-le") + b"\0\0" + struct.pack("<I", 0))
        self.head(0, cookie="FakeCtx=ctx-1; path=/mapi/emsmdb")
        self.send_chunk(b"PROCESSING\r\n")
        for _ in range(2):
            time.sleep(0.1)
            self.send_chunk(b"PENDING\r\n")
        self.send_chunk(b"DONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 200\r\n"
                        b"X-StartTime: Mon, 06 Jan 2014 23:41:35 GMT\r\n\r\n" + resp[:10])
        self.send_chunk(resp[10:])
        self.send_chunk(b"")

    def disconnect(self):
        if "FakeCtx=ctx-1" not in (self.headers.get("Cookie") or ""):
            text = b"Missing Cookie"
            self.head(13, chunked=False, length=len(text))
            self.wfile.write(text)
            return
        self.head(0)
        self.send_chunk(b"PROCESSING\r\nDONE\r\n\r\n" + struct.pack("<III", 0, 0, 0))
        self.send_chunk(b"")

    def ping(self):
        if FakeHandler.ping_mode in ("context-not-found", "html"):
            text = b"no such context"
            code = "10"
            if FakeHandler.ping_mode == "html":
                text = (b"<html><head><title>Invalid Sequence</title></head>\r\n<body>"
                        b"Request\r\n  out of\torder\x01</body></html>")
                code = "15"
            self.send_response(200)
            self.send_header("X-RequestType", "PING")
            self.send_header("X-RequestId", self.headers.get("X-RequestId"))
            self.send_header("X-ResponseCode", code)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
        else:  # "bad-id": the request id not echoed
            self.head(0, request_id="{00000000-0000-0000-0000-000000000000}:1")
            self.send_chunk(b"PROCESSING\r\nDONE\r\n\r\n")
            self.send_chunk(b"")


class FakeServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHandler)
        cls.thread = threading.Thread(target=cls.httpd.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        cls.httpd.server_close()

    def fake(self, *args):
        FakeHandler.seen = []
        p = subprocess.run([MAPICLIENT, "--server", "http://127.0.0.1:%d" % self.httpd.server_port,
                            "--user", "fake@fake.test", "--password", "fake-pw"] + list(args),
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def test_connect_pending_and_cookies(self):
        rc, out, err = self.fake("connect")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "connected: Fake User\ndn-prefix: /o=Fake\npolls-max: 1000\n"
                              "retry-count: 3\nretry-delay: 500\nserver-aux: (none)\n"
                              "disconnected\n")
        types = [t for t, _, _ in FakeHandler.seen]
        self.assertEqual(types, ["Connect", "Disconnect"])
        connect_hdrs, connect_body = FakeHandler.seen[0][1], FakeHandler.seen[0][2]
        # [MS-OXCMAPIHTTP] 2.2.2.1 common request headers
        self.assertEqual(connect_hdrs["Content-Type"], "application/mapi-http")
        self.assertRegex(connect_hdrs["X-RequestId"], r"^\{[0-9A-F-]{36}\}:1$")
        self.assertRegex(connect_hdrs["X-ClientInfo"], r"^\{[0-9A-F-]{36}\}:\d+$")
        self.assertIn("X-ClientApplication", connect_hdrs)
        # 2.2.4.1.1: UserDn from Autodiscover, code page 1252, locales 0x409
        head = FAKE_DN.encode() + b"\0" + struct.pack("<IIII", 0, 1252, 0x409, 0x409)
        self.assertEqual(connect_body[:len(head)], head)
        # AuxiliaryBufferSize, then one RPC_HEADER_EXT (Version 0, Flags
        # XorMagic|Last and maybe Compressed) carrying the blocks Outlook sends
        aux = connect_body[len(head):]
        size, = struct.unpack("<I", aux[:4])
        self.assertEqual(len(aux), 4 + size)
        version, flags, wire, actual = struct.unpack("<HHHH", aux[4:12])
        self.assertEqual((version, flags & 0x6), (0, 0x6))
        self.assertEqual(wire, size - 8)
        self.assertGreater(actual, 0)
        disc = FakeHandler.seen[1][1]
        self.assertEqual(disc["X-RequestId"], connect_hdrs["X-RequestId"][:-1] + "2")
        self.assertEqual(disc["Cookie"], "FakeCtx=ctx-1")

    def test_broken_answers(self):
        """Every way of breaking the protocol is a clear error and exit 1
        (never a crash or a hang)."""
        cases = [
            ("http-500", r"^mapiclient: Connect http://127\.0\.0\.1:\d+/mapi/emsmdb/\S*: HTTP 500\n$"),
            ("no-response-code", r"^mapiclient: Connect: response without a valid X-ResponseCode\n$"),
            ("unframed", r"^mapiclient: Connect: malformed response stream: response does not "
                         r"start with the PROCESSING meta-tag\n$"),
            ("truncated", r"^mapiclient: Connect: undecodable response body \(.+\)\n$"),
            ("status-code", r"^mapiclient: Connect: StatusCode 0x80040111 \(\w+\)\n$"),
        ]
        try:
            for mode, want in cases:
                FakeHandler.connect_mode = mode
                rc, out, err = self.fake("connect")
                self.assertEqual(rc, EXIT_FAIL, (mode, err))
                self.assertEqual(out, "", mode)
                self.assertRegex(err, want, mode)
        finally:
            FakeHandler.connect_mode = "ok"

    def test_keepalive_watchdog(self):
        """X-PendingPeriod 100 ms: a stream silent for two periods and a
        second is given up, well before the server would end it."""
        FakeHandler.connect_mode = "stall"
        try:
            t0 = time.monotonic()
            rc, out, err = self.fake("connect")
            elapsed = time.monotonic() - t0
        finally:
            FakeHandler.connect_mode = "ok"
        self.assertEqual(rc, EXIT_NETWORK, err)
        self.assertRegex(err, r"^mapiclient: \S+: nothing received for 1200 ms \(no PENDING "
                              r"keep-alive within two X-PendingPeriods\)\n$")
        self.assertLess(elapsed, 4.5)

    def test_response_code_error(self):
        FakeHandler.ping_mode = "context-not-found"
        rc, out, err = self.fake("ping")
        self.assertEqual(rc, EXIT_FAIL)
        self.assertEqual(out, "")
        self.assertEqual(err, "mapiclient: PING: the server answered X-ResponseCode 10 "
                              "(Context Not Found): no such context\n")

    def test_response_code_html_diagnostic(self):
        """An HTML diagnostic page becomes one line of its body's text."""
        FakeHandler.ping_mode = "html"
        rc, out, err = self.fake("ping")
        self.assertEqual(rc, EXIT_FAIL)
        self.assertEqual(err, "mapiclient: PING: the server answered X-ResponseCode 15 "
                              "(Invalid Sequence): Request out of order\n")

    def test_request_id_not_echoed(self):
        FakeHandler.ping_mode = "bad-id"
        rc, out, err = self.fake("ping")
        self.assertEqual(rc, EXIT_FAIL)
        self.assertRegex(err, r"^mapiclient: PING: X-RequestId not echoed \(sent \{[0-9A-F-]{36}"
                              r"\}:1, got \{0{8}-0{4}-0{4}-0{4}-0{12}\}:1\)$")


if __name__ == "__main__":
    MAPICLIENT, it.MAPIHTTPD, it.MAPIADMIN = sys.argv[1:4]
    unittest.main(argv=sys.argv[:1], verbosity=2)
