#!/usr/bin/env python3
"""Basic, NTLM and Negotiate against the real mapihttpd on 127.0.0.1.

Run by meson (suite 'integration') under tests/auth/kdc_run.sh, which
starts a throw-away MIT KDC (realm MAPIHTTPD.TEST, alice's ticket in
KRB5CCNAME, HTTP/localhost in the keytab) and calls:

    test_auth_daemon.py HTTP_KEYTAB OTHER_KEYTAB REALM

with MAPIHTTPD and MAPIADMIN in the environment.  Real clients do the
talking: curl --basic / --ntlm / --negotiate, and, where a handshake must
be split across connections (which curl never does), the small NTLMv2
client below, written from [MS-NLMP] 3.1.5.1.2 and 3.3.2.
"""
import base64
import hmac
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_integration as it  # noqa: E402  (Daemon, admin, raw_request, ...)

KEYTAB = REALM = None
DOMAIN = "x.test"


# ---------------------------------------------------------------- NTLMv2 --
def _md4(data):
    """MD4 ([RFC 1320]); OpenSSL 3 no longer offers it to Python."""
    def f(x, y, z): return (x & y) | (~x & z)
    def g(x, y, z): return (x & y) | (x & z) | (y & z)
    def h(x, y, z): return x ^ y ^ z
    def rotl(v, s): return ((v << s) | (v >> (32 - s))) & 0xFFFFFFFF

    msg = bytearray(data) + b"\x80"
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack("<Q", (len(data) * 8) & 0xFFFFFFFFFFFFFFFF)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for i in range(0, len(msg), 64):
        x = struct.unpack("<16I", msg[i:i + 64])
        aa, bb, cc, dd = a, b, c, d
        for k in range(16):
            s = (3, 7, 11, 19)[k % 4]
            a = rotl((a + f(b, c, d) + x[k]) & 0xFFFFFFFF, s)
            a, b, c, d = d, a, b, c
        for k in range(16):
            s = (3, 5, 9, 13)[k % 4]
            idx = (k % 4) * 4 + k // 4
            a = rotl((a + g(b, c, d) + x[idx] + 0x5A827999) & 0xFFFFFFFF, s)
            a, b, c, d = d, a, b, c
        for k in range(16):
            s = (3, 9, 11, 15)[k % 4]
            idx = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)[k]
            a = rotl((a + h(b, c, d) + x[idx] + 0x6ED9EBA1) & 0xFFFFFFFF, s)
            a, b, c, d = d, a, b, c
        a, b, c, d = [(v + w) & 0xFFFFFFFF for v, w in zip((a, b, c, d), (aa, bb, cc, dd))]
    return struct.pack("<4I", a, b, c, d)


# NEGOTIATE_UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY
# | 128 | 56 ([MS-NLMP] 2.2.2.5)
_FLAGS = 0x00000001 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00080000 | 0x20000000 | 0x80000000


def ntlm_negotiate():
    """[MS-NLMP] 2.2.1.1 NEGOTIATE_MESSAGE, no domain or workstation."""
    return b"NTLMSSP\0" + struct.pack("<II", 1, _FLAGS) + b"\0" * 16


def ntlm_authenticate(challenge, user, domain, password):
    """[MS-NLMP] 2.2.1.3 AUTHENTICATE_MESSAGE with an NTLMv2 response."""
    assert challenge[:8] == b"NTLMSSP\0" and struct.unpack("<I", challenge[8:12])[0] == 2
    server_challenge = challenge[24:32]
    ti_len, _, ti_off = struct.unpack("<HHI", challenge[40:48])
    target_info = challenge[ti_off:ti_off + ti_len]
    nt_hash = _md4(password.encode("utf-16-le"))
    # NTOWFv2 ([MS-NLMP] 3.3.2): HMAC_MD5(MD4(password), Uppercase(User) + UserDom)
    key = hmac.new(nt_hash, (user.upper() + domain).encode("utf-16-le"), "md5").digest()
    client_challenge = os.urandom(8)
    filetime = int((time.time() + 11644473600) * 10000000)
    temp = (b"\x01\x01" + b"\0" * 6 + struct.pack("<Q", filetime) + client_challenge
            + b"\0" * 4 + target_info + b"\0" * 4)
    proof = hmac.new(key, server_challenge + temp, "md5").digest()
    nt_resp = proof + temp
    lm_resp = hmac.new(key, server_challenge + client_challenge, "md5").digest() + client_challenge
    fields = [lm_resp, nt_resp, domain.encode("utf-16-le"), user.encode("utf-16-le"),
              b"", b""]
    offset, head, payload = 64, b"", b""
    for value in fields:
        head += struct.pack("<HHI", len(value), len(value), offset)
        payload += value
        offset += len(value)
    return b"NTLMSSP\0" + struct.pack("<I", 3) + head + struct.pack("<I", _FLAGS) + payload


# ------------------------------------------------------------ the daemon --
class Env:
    tmp = data = daemon = None
    alice = bob = None


def setUpModule():
    Env.tmp = tempfile.TemporaryDirectory(prefix="mapihttpd-auth-")
    Env.data = os.path.join(Env.tmp.name, "data")
    os.mkdir(Env.data)
    it.admin(Env.data, "domain", "add", DOMAIN)
    it.admin(Env.data, "user", "add", "alice@" + DOMAIN, "--name", "Alice Example",
             "--password", "alice-pw")
    it.admin(Env.data, "user", "add", "bob@" + DOMAIN, "--name", "Bob Example",
             "--password", "bob-pw")
    Env.alice = it.user_show(Env.data, "alice@" + DOMAIN)
    conf = os.path.join(Env.tmp.name, "mapihttpd.conf")
    with open(conf, "w") as f:
        f.write("[auth]\nschemes = negotiate,ntlm,basic\nkeytab = %s\n"
                "service = HTTP@localhost\ndomain_map = %s=%s,X=%s\n"
                "default_domain = %s\n" % (KEYTAB, REALM, DOMAIN, DOMAIN, DOMAIN))
    Env.daemon = it.Daemon(Env.data, it.free_port(), config=conf)


def tearDownModule():
    code = Env.daemon.stop()
    log = Env.daemon.text()
    Env.tmp.cleanup()
    if code != 0:
        raise AssertionError("daemon exit status %d\n%s" % (code, log))


def url():
    return "http://localhost:%d/autodiscover/autodiscover.xml" % Env.daemon.port


def curl(*args, email=None, env=None):
    """POSTs a POX request for email (alice's by default) with curl; returns
    (status, body)."""
    body = it.pox_request(email=email or "alice@" + DOMAIN)
    out = subprocess.run(
        ["curl", "-s", "--resolve", "localhost:%d:127.0.0.1" % Env.daemon.port,
         "-H", "Content-Type: text/xml", "-H", "X-MapiHttpCapability: 1",
         "--data-binary", "@-", "-w", "\n%{http_code}", *args, url()],
        input=body, capture_output=True, env=env, timeout=30)
    text, _, code = out.stdout.rpartition(b"\n")
    return int(code), text


def smtp_address(body):
    root = it.parse_pox(body)
    for el in root.iter():
        if el.tag.endswith("}AutoDiscoverSMTPAddress"):
            return el.text
    return None


class Challenges(unittest.TestCase):
    def test_offered_in_the_configured_order(self):
        r = it.req("POST", "/autodiscover/autodiscover.xml",
                   {"Content-Type": "text/xml"}, it.pox_request("alice@" + DOMAIN),
                   port=Env.daemon.port)
        self.assertEqual(r.status, 401)
        offered = [v for k, v in r.headers if k.lower() == "www-authenticate"]
        self.assertEqual([v.split()[0] for v in offered], ["Negotiate", "NTLM", "Basic"])
        self.assertEqual(offered[0], "Negotiate")
        self.assertEqual(offered[1], "NTLM")

    def test_garbage_tokens(self):
        # bad base64: 400; an AUTHENTICATE with no handshake on this
        # connection: 401; a truncated SPNEGO token: 400; a header larger
        # than limits.connection_memory: 431 from the HTTP layer.
        for header, status in (("NTLM !!!!", 400), ("NTLM TlRMTVNTUAADAAAA", 401),
                               ("Negotiate YIIBAA==", 400), ("NTLM " + "A" * 70000, 431)):
            r = it.req("POST", "/autodiscover/autodiscover.xml",
                       {"Authorization": header, "Content-Type": "text/xml"},
                       it.pox_request("alice@" + DOMAIN), port=Env.daemon.port)
            self.assertEqual(r.status, status, header[:20])
        self.assertIsNone(Env.daemon.proc.poll(), "daemon died")


class Basic(unittest.TestCase):
    def test_right_and_wrong(self):
        status, body = curl("--basic", "-u", "alice@%s:alice-pw" % DOMAIN)
        self.assertEqual(status, 200)
        self.assertEqual(smtp_address(body), "alice@" + DOMAIN)
        status, _ = curl("--basic", "-u", "alice@%s:nope" % DOMAIN)
        self.assertEqual(status, 401)


class PasswordChange(unittest.TestCase):
    def test_cached_credential_dropped_at_once(self):
        """A Basic credential is cached (the KDF runs once per cache_ttl), yet
        a password changed with mapiadmin takes effect on the next request."""
        user = "carol@" + DOMAIN
        it.admin(Env.data, "user", "add", user, "--name", "Carol", "--password", "old-pw")
        for _ in range(2):  # the second answer comes from the cache
            status, body = curl("--basic", "-u", user + ":old-pw", email=user)
            self.assertEqual(status, 200)
            self.assertEqual(smtp_address(body), user)
        it.admin(Env.data, "user", "passwd", user, "--password", "new-pw")
        status, _ = curl("--basic", "-u", user + ":old-pw", email=user)
        self.assertEqual(status, 401)
        status, body = curl("--basic", "-u", user + ":new-pw", email=user)
        self.assertEqual(status, 200)
        self.assertEqual(smtp_address(body), user)
        # NTLM reads the NT hash at each handshake: the new password at once.
        self.assertEqual(curl("--ntlm", "-u", user + ":old-pw", email=user)[0], 401)
        self.assertEqual(curl("--ntlm", "-u", user + ":new-pw", email=user)[0], 200)


class NtlmBackoff(unittest.TestCase):
    def test_guessing_slowed_own_client_not_locked_out(self):
        """Failed NTLM logins count towards the (address, user) back-off: past
        auth.backoff_threshold (5) even the right password is held back, unless
        that user authenticated from this address before (known_ttl)."""
        erin, frank = "erin@" + DOMAIN, "frank@" + DOMAIN
        for user in (erin, frank):
            it.admin(Env.data, "user", "add", user, "--name", user, "--password", "right-pw")
        self.assertEqual(curl("--ntlm", "-u", erin + ":right-pw", email=erin)[0], 200)
        for _ in range(6):
            for user in (erin, frank):
                self.assertEqual(curl("--ntlm", "-u", user + ":guess", email=user)[0], 401)
        self.assertEqual(curl("--ntlm", "-u", frank + ":right-pw", email=frank)[0], 401)
        self.assertRegex(Env.daemon.text(),
                         r"refused reason=backoff scheme=ntlm user=frank@x\.test peer=127\.0\.0\.1")
        status, body = curl("--ntlm", "-u", erin + ":right-pw", email=erin)
        self.assertEqual(status, 200)
        self.assertEqual(smtp_address(body), erin)


class Ntlm(unittest.TestCase):
    def test_right_password(self):
        for user in ("alice@" + DOMAIN, "X\\alice", "alice"):
            status, body = curl("--ntlm", "-u", "%s:alice-pw" % user)
            self.assertEqual(status, 200, user)
            self.assertEqual(smtp_address(body), "alice@" + DOMAIN, user)

    def test_wrong_password_logged_without_secret(self):
        status, _ = curl("--ntlm", "-u", "alice@%s:Wrong-Secret-42" % DOMAIN)
        self.assertEqual(status, 401)
        log = Env.daemon.text()
        self.assertRegex(log, r"failed scheme=ntlm user=\S*alice\S* peer=127\.0\.0\.1")
        self.assertNotIn("Wrong-Secret-42", log)

    def test_unknown_user(self):
        status, _ = curl("--ntlm", "-u", "nobody@%s:alice-pw" % DOMAIN)
        self.assertEqual(status, 401)

    def test_other_users_settings_refused(self):
        status, body = curl("--ntlm", "-u", "alice@%s:alice-pw" % DOMAIN,
                            email="bob@" + DOMAIN)
        self.assertEqual(status, 200)
        self.assertIsNone(smtp_address(body))
        self.assertIsNotNone(it.pox_error_code(body))

    def _handshake(self, sock_a, sock_b, password="alice-pw"):
        """NEGOTIATE on sock_a, AUTHENTICATE on sock_b (may be sock_a)."""
        body = it.pox_request("alice@" + DOMAIN)

        def send(sock, auth):
            head = ("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: localhost\r\n"
                    "Content-Type: text/xml\r\nContent-Length: %d\r\n"
                    "Authorization: NTLM %s\r\n\r\n" % (len(body), base64.b64encode(auth).decode()))
            sock.sendall(head.encode() + body)
            return it.read_response(sock)

        r = send(sock_a, ntlm_negotiate())
        self.assertEqual(r.status, 401)
        www = [v for k, v in r.headers if k.lower() == "www-authenticate"]
        self.assertEqual(len(www), 1)
        self.assertTrue(www[0].startswith("NTLM "))
        challenge = base64.b64decode(www[0][5:])
        return send(sock_b, ntlm_authenticate(challenge, "alice@" + DOMAIN, "", password))

    def test_one_connection_then_no_header(self):
        sock = socket.create_connection(("127.0.0.1", Env.daemon.port), timeout=10)
        try:
            r = self._handshake(sock, sock)
            self.assertEqual(r.status, 200)
            self.assertEqual(smtp_address(r.body), "alice@" + DOMAIN)
            # [MS-NTHT] 3.2.5: the connection stays authenticated.
            body = it.pox_request("alice@" + DOMAIN)
            sock.sendall(("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: localhost\r\n"
                          "Content-Type: text/xml\r\nContent-Length: %d\r\n\r\n"
                          % len(body)).encode() + body)
            r = it.read_response(sock)
            self.assertEqual(r.status, 200)
            self.assertEqual(smtp_address(r.body), "alice@" + DOMAIN)
        finally:
            sock.close()
        # ... and no other connection does.
        r = it.req("POST", "/autodiscover/autodiscover.xml", {"Content-Type": "text/xml"},
                   it.pox_request("alice@" + DOMAIN), port=Env.daemon.port)
        self.assertEqual(r.status, 401)

    def test_handshake_continued_on_another_connection(self):
        a = socket.create_connection(("127.0.0.1", Env.daemon.port), timeout=10)
        b = socket.create_connection(("127.0.0.1", Env.daemon.port), timeout=10)
        try:
            r = self._handshake(a, b)
            self.assertIn(r.status, (400, 401))
            self.assertIsNone(smtp_address(r.body) if r.status == 200 else None)
        finally:
            a.close()
            b.close()

    def test_own_client_wrong_password(self):
        sock = socket.create_connection(("127.0.0.1", Env.daemon.port), timeout=10)
        try:
            self.assertEqual(self._handshake(sock, sock, "bad").status, 401)
        finally:
            sock.close()


class Negotiate(unittest.TestCase):
    def test_kerberos_ticket(self):
        status, body = curl("--negotiate", "-u", ":")
        self.assertEqual(status, 200)
        self.assertEqual(smtp_address(body), "alice@" + DOMAIN)
        self.assertRegex(Env.daemon.text(), r"verified scheme=negotiate user=alice@x\.test")

    def test_no_ticket(self):
        env = dict(os.environ, KRB5CCNAME="FILE:/nonexistent/ccache")
        env.pop("NTLM_USER_FILE", None)
        status, _ = curl("--negotiate", "-u", ":", env=env)
        self.assertEqual(status, 401)

    def test_ntlm_inside_spnego(self):
        """gss-ntlmssp under MIT's SPNEGO: without a ticket curl's Negotiate
        falls back to NTLM inside SPNEGO."""
        users = os.path.join(Env.tmp.name, "ntlm_users")
        for password, want in (("alice-pw", 200), ("wrong", 401)):
            with open(users, "w") as f:
                f.write("X:alice:%s\n" % password)
            env = dict(os.environ, KRB5CCNAME="FILE:/nonexistent/ccache",
                       NTLM_USER_FILE=users, NTLMUSER="alice")
            status, body = curl("--negotiate", "-u", ":", env=env)
            self.assertEqual(status, want, password)
            if want == 200:
                self.assertEqual(smtp_address(body), "alice@" + DOMAIN)


if __name__ == "__main__":
    KEYTAB, _, REALM = sys.argv[1], sys.argv[2], sys.argv[3]
    it.MAPIHTTPD, it.MAPIADMIN = os.environ["MAPIHTTPD"], os.environ["MAPIADMIN"]
    unittest.main(argv=sys.argv[:1], verbosity=2)
