#!/usr/bin/env python3
"""mapiclient commands that write mail, against the real daemon (mapihttpd on
127.0.0.1, temporary data directory): send (alice to bob, checked in bob's
Inbox and alice's Sent Items), watch woken by the new mail, export.

    test_mapiclient_mail.py MAPICLIENT MAPIHTTPD MAPIADMIN
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mapihttp"))
import test_integration as it  # noqa: E402  (Daemon, admin, user_show, free_port)

MAPICLIENT = None
EXIT_FAIL, EXIT_USAGE = 1, 2
PASSWORDS = {"alice@x.test": "alice-pw", "bob@x.test": "bob-pw", "carol@x.test": "carol-pw"}


class Env:
    tmp = data = daemon = None


def setUpModule():
    Env.tmp = tempfile.TemporaryDirectory(prefix="mapiclient-mail-")
    Env.data = os.path.join(Env.tmp.name, "data")
    os.mkdir(Env.data)
    it.admin(Env.data, "domain", "add", "x.test")
    for addr, name in (("alice@x.test", "Alice Example"), ("bob@x.test", "Bob Example"),
                       ("carol@x.test", "Carol Example")):
        it.admin(Env.data, "user", "add", addr, "--name", name, "--password", PASSWORDS[addr])
    for i in (1, 2, 3):
        it.admin(Env.data, "user", "add", "load%d@x.test" % i, "--name", "Load %d" % i,
                 "--password", "load-pw")
    conf = os.path.join(Env.tmp.name, "mapihttpd.conf")
    with open(conf, "w") as f:
        f.write("[auth]\nschemes = basic,ntlm\ndefault_domain = x.test\n"
                "[mapi]\nnotification_wait = 2\n")
    Env.daemon = it.Daemon(Env.data, it.free_port(), config=conf)


def tearDownModule():
    code = Env.daemon.stop()
    log = Env.daemon.text()
    Env.tmp.cleanup()
    if code != 0:
        raise AssertionError("daemon exit status %d\n%s" % (code, log))


def server():
    return "http://127.0.0.1:%d" % Env.daemon.port


def cmd(user, *args):
    return [MAPICLIENT, "--server", server(), "--user", user, "--password", PASSWORDS[user]] + \
        list(args)


def run(user, *args):
    p = subprocess.run(cmd(user, *args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def listing(user, folder):
    """(id, date, sender, subject) of each message list prints."""
    rc, out, err = run(user, "list", folder)
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[-1] == "messages: %d" % (len(lines) - 1), out
    return [tuple(line.split("\t")) for line in lines[:-1]]


def read_dir(path):
    """{name: bytes} of every file in path."""
    out = {}
    for name in os.listdir(path):
        with open(os.path.join(path, name), "rb") as f:
            out[name] = f.read()
    return out


class Send(unittest.TestCase):
    def test_alice_to_bob(self):
        rc, out, err = run("alice@x.test", "send", "--to", "bob@x.test",
                           "--subject", "Quarterly figures", "--body", "See the attachment.")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^submitted: [0-9a-f]{16}/[0-9a-f]{16}\n$")
        inbox = [m for m in listing("bob@x.test", "Inbox") if m[3] == "Quarterly figures"]
        self.assertEqual(len(inbox), 1, inbox)
        self.assertEqual(inbox[0][2], "Alice Example")
        self.assertRegex(inbox[0][1], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        sent = [m for m in listing("alice@x.test", "Sent Items") if m[3] == "Quarterly figures"]
        self.assertEqual(len(sent), 1, sent)
        # submitted, so no longer in the Outbox
        self.assertEqual([m for m in listing("alice@x.test", "Outbox")
                          if m[3] == "Quarterly figures"], [])
        rc, out, err = run("bob@x.test", "show", inbox[0][0])
        self.assertEqual(rc, 0, err)
        self.assertIn("subject: Quarterly figures\n", out)
        self.assertIn("from: Alice Example\n", out)
        self.assertTrue(out.endswith("\nSee the attachment.\n"), out)

    def test_two_recipients(self):
        rc, out, err = run("alice@x.test", "send", "--to", "bob@x.test, carol@x.test",
                           "--subject", "To both")
        self.assertEqual(rc, 0, err)
        for user in ("bob@x.test", "carol@x.test"):
            self.assertEqual([m[3] for m in listing(user, "Inbox") if m[3] == "To both"],
                             ["To both"], user)

    def test_unknown_recipient(self):
        """A recipient outside this server (no transport, as Exchange without
        a send connector): the send succeeds, the sender gets a non-delivery
        report in the Inbox, the message is filed in Sent Items."""
        rc, out, err = run("alice@x.test", "send", "--to", "nobody@elsewhere.test",
                           "--subject", "Lost", "--body", "x")
        self.assertEqual(rc, 0, err)
        self.assertEqual([m[3] for m in listing("alice@x.test", "Sent Items") if m[3] == "Lost"],
                         ["Lost"])
        self.assertEqual([m[3] for m in listing("alice@x.test", "Inbox")
                          if m[3] == "Undeliverable: Lost"], ["Undeliverable: Lost"])

    def test_usage(self):
        for args in (["--to", "bob@x.test"], ["--subject", "s", "--body", "b"],
                     ["--to", "bob@x.test", "--subject", "s", "--bcc", "x"],
                     ["--to", ",", "--subject", "s"]):
            rc, out, err = run("alice@x.test", "send", *args)
            self.assertEqual(rc, EXIT_USAGE, args)
            self.assertIn("usage: mapiclient", err)

    def test_watch_wakes_on_new_mail(self):
        """bob's watch registers for NewMail on his store, as Outlook does; a
        message alice sends wakes his NotificationWait and the Execute that
        follows carries the NewMail notification of his Inbox."""
        w = subprocess.Popen(cmd("bob@x.test", "watch", "2"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(0.7)
        rc, out, err = run("alice@x.test", "send", "--to", "bob@x.test", "--subject", "Ping")
        self.assertEqual(rc, 0, err)
        wout, werr = w.communicate(timeout=30)
        self.assertEqual(w.returncode, 0, werr)
        lines = wout.splitlines()
        self.assertEqual(lines[0], "NotificationWait: event pending", wout)
        m = re.match(r"^notification: NewMail ([0-9a-f]{16})/([0-9a-f]{16}) IPM\.Note$", lines[1])
        self.assertIsNotNone(m, wout)
        inbox = [x for x in listing("bob@x.test", "Inbox") if x[3] == "Ping"]
        self.assertEqual(inbox[0][0], "%s/%s" % (m.group(1), m.group(2)))
        self.assertEqual(lines[2:], ["NotificationWait: no event"])


class Export(unittest.TestCase):
    def test_export_inbox(self):
        rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test,bob@x.test",
                           "--subject", "For export", "--body", "Line one\nLine two")
        self.assertEqual(rc, 0, err)
        inbox = listing("carol@x.test", "Inbox")
        with tempfile.TemporaryDirectory() as d:
            out_dir = os.path.join(d, "carol-inbox")
            rc, out, err = run("carol@x.test", "export", "Inbox", out_dir)
            self.assertEqual(rc, 0, err)
            lines = out.splitlines()
            self.assertEqual(lines[-1], "exported: %d" % len(inbox))
            # one MESSAGEID.txt per message; attachments' files beside them
            files = sorted(f for f in os.listdir(out_dir)
                           if re.fullmatch(r"[0-9a-f]{16}\.txt", f))
            self.assertEqual(files, sorted(m[0].split("/")[1] + ".txt" for m in inbox))
            self.assertEqual(sorted(lines[:-1]),
                             sorted(os.path.join(out_dir, f) for f in os.listdir(out_dir)))
            mine = [m for m in inbox if m[3] == "For export"][0]
            fid, mid = mine[0].split("/")
            with open(os.path.join(out_dir, mid + ".txt")) as f:
                text = f.read()
        self.assertTrue(text.startswith("message: %s/%s\nproperties: " % (fid, mid)), text)
        # RopGetPropertiesAll: every property with its name, type and value
        self.assertIn("  property: 0x0037001F PidTagSubject PtypString\n"
                      "    value: \"For export\"\n", text)
        self.assertIn("  property: 0x001A001F PidTagMessageClass PtypString\n"
                      "    value: \"IPM.Note\"\n", text)
        self.assertIn("  property: 0x0C1A001F PidTagSenderName PtypString\n"
                      "    value: \"Alice Example\"\n", text)
        self.assertIn("  property: 0x674A0014 PidTagMid PtypInteger64\n", text)
        self.assertIn("recipients: 2\n"
                      "  recipient 0: To\n    address-type: SMTP\n"
                      "    email-address: carol@x.test\n", text)
        self.assertIn("  recipient 1: To\n    address-type: SMTP\n"
                      "    email-address: bob@x.test\n", text)
        self.assertTrue(text.endswith("attachments: 0\n"), text)

    def test_export_attachments(self):
        """send --attach: RopCreateAttachment, the data through a stream in
        0x7000-byte RopWriteStream chunks (70,000 bytes: three), listed by
        export from the delivered copy's attachment table."""
        with tempfile.TemporaryDirectory() as d:
            small, big = os.path.join(d, "note.txt"), os.path.join(d, "photo.bin")
            with open(small, "w") as f:
                f.write("hello attachment\n")
            photo = os.urandom(70000)
            with open(big, "wb") as f:
                f.write(photo)
            rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test", "--subject",
                               "With files", "--attach", small, "--attach", big)
            self.assertEqual(rc, 0, err)
            mine = [m for m in listing("carol@x.test", "Inbox") if m[3] == "With files"]
            self.assertEqual(len(mine), 1)
            out_dir = os.path.join(d, "export")
            rc, out, err = run("carol@x.test", "export", "Inbox", out_dir)
            self.assertEqual(rc, 0, err)
            with open(os.path.join(out_dir, mine[0][0].split("/")[1] + ".txt")) as f:
                text = f.read()
            exported = read_dir(out_dir)
        self.assertIn("  property: 0x0E1B000B PidTagHasAttachments PtypBoolean\n"
                      "    value: true\n", text)
        att = text[text.index("\nattachments: "):]
        self.assertTrue(att.startswith("\nattachments: 2\n  attachment 0:\n"), att)
        self.assertIn('      value: "note.txt"\n', att)
        self.assertIn('      value: "photo.bin"\n', att)
        self.assertEqual(att.count("PidTagAttachMethod PtypInteger32\n      value: 1 "), 2)
        # the data written beside the dump: the small one read inline, the
        # large one through RopOpenStream / RopReadStream, both byte-exact
        mid = mine[0][0].split("/")[1]
        self.assertIn("    data: %s-0-note.txt (17 bytes)\n" % mid, att)
        self.assertIn("    data: %s-1-photo.bin (70000 bytes, read through a stream)\n" % mid,
                      att)
        self.assertEqual(exported["%s-0-note.txt" % mid], b"hello attachment\n")
        self.assertEqual(exported["%s-1-photo.bin" % mid], photo)
        self.assertIn(os.path.join(out_dir, "%s-1-photo.bin" % mid), out.splitlines())
        rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test", "--subject", "x",
                           "--attach", "/nonexistent/file")
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn("cannot read /nonexistent/file", err)

    def inner_message(self, d, subject="Inner message"):
        """A message alice sent to bob with one attachment: its id in her
        Sent Items."""
        note = os.path.join(d, "inner.txt")
        with open(note, "w") as f:
            f.write("inner attachment\n")
        rc, out, err = run("alice@x.test", "send", "--to", "bob@x.test", "--subject",
                           subject, "--body", "Inner body", "--attach", note)
        self.assertEqual(rc, 0, err)
        inner = [m for m in listing("alice@x.test", "Sent Items") if m[3] == subject]
        self.assertEqual(len(inner), 1, inner)
        return inner[0][0]

    def test_export_embedded(self):
        """send --attach-message (forward as attachment: RopOpenEmbeddedMessage
        with Create, RopCopyTo with the recipients and attachments) saved in
        the Outbox (--save-only); export writes the embedded message as its
        own dump and its attachment's data, read through
        RopOpenEmbeddedMessage and RopOpenAttachment."""
        with tempfile.TemporaryDirectory() as d:
            inner = self.inner_message(d)
            rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test", "--subject",
                               "Outer message", "--attach-message", inner, "--save-only")
            self.assertEqual(rc, 0, err)
            m = re.match(r"saved: ([0-9a-f]{16})/([0-9a-f]{16})\n$", out)
            self.assertIsNotNone(m, out)
            mid = m.group(2)
            outbox = [x for x in listing("alice@x.test", "Outbox") if x[3] == "Outer message"]
            self.assertEqual([x[0] for x in outbox], ["%s/%s" % (m.group(1), mid)])
            out_dir = os.path.join(d, "export")
            rc, out, err = run("alice@x.test", "export", "Outbox", out_dir)
            self.assertEqual(rc, 0, err)
            exported = read_dir(out_dir)
        text = exported[mid + ".txt"].decode()
        self.assertIn("PidTagAttachMethod PtypInteger32\n      value: 5 ", text)
        self.assertIn("    embedded-message: %s-0.txt\n" % mid, text)
        emb = exported["%s-0.txt" % mid].decode()
        self.assertTrue(emb.startswith("embedded message: attachment 0 of %s.txt\n" % mid), emb)
        self.assertIn("  property: 0x0037001F PidTagSubject PtypString\n"
                      "    value: \"Inner message\"\n", emb)
        self.assertIn("recipients: 1\n  recipient 0: To\n    address-type: SMTP\n"
                      "    email-address: bob@x.test\n", emb)
        self.assertIn("    data: %s-0-0-inner.txt (17 bytes)\n" % mid, emb)
        self.assertEqual(exported["%s-0-0-inner.txt" % mid], b"inner attachment\n")
        rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test", "--subject", "x",
                           "--attach-message", "not-an-id")
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn("--attach-message FOLDERID/MESSAGEID", err)

    def test_forward_as_attachment_delivered(self):
        """RopSubmitMessage of a message holding an embedded message: [MS-OXOMSG]
        3.2.5.1 delivers it like any message."""
        with tempfile.TemporaryDirectory() as d:
            inner = self.inner_message(d, "Inner forwarded")
            rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test", "--subject",
                               "Forwarded whole", "--attach-message", inner)
        self.assertEqual(rc, 0, err)
        got = [m for m in listing("carol@x.test", "Inbox") if m[3] == "Forwarded whole"]
        self.assertEqual(len(got), 1)
        # carol's copy holds the embedded message with its own properties,
        # recipient and attachment, as alice's sent copy does
        for user, folder in (("carol@x.test", "Inbox"), ("alice@x.test", "Sent Items")):
            mine = [m for m in listing(user, folder) if m[3] == "Forwarded whole"]
            self.assertEqual(len(mine), 1, mine)
            mid = mine[0][0].split("/")[1]
            with tempfile.TemporaryDirectory() as d:
                out_dir = os.path.join(d, "export")
                rc, out, err = run(user, "export", folder, out_dir)
                self.assertEqual(rc, 0, err)
                exported = read_dir(out_dir)
            text = exported[mid + ".txt"].decode()
            self.assertIn("PidTagAttachMethod PtypInteger32\n      value: 5 ", text)
            self.assertIn("    embedded-message: %s-0.txt\n" % mid, text)
            emb = exported["%s-0.txt" % mid].decode()
            self.assertIn("  property: 0x0037001F PidTagSubject PtypString\n"
                          "    value: \"Inner forwarded\"\n", emb)
            self.assertIn("recipients: 1\n  recipient 0: To\n    address-type: SMTP\n"
                          "    email-address: bob@x.test\n", emb)
            self.assertIn("    data: %s-0-0-inner.txt (17 bytes)\n" % mid, emb)
            self.assertEqual(exported["%s-0-0-inner.txt" % mid], b"inner attachment\n")

    def export_one(self, user, folder, subject):
        with tempfile.TemporaryDirectory() as d:
            mine = [m for m in listing(user, folder) if m[3] == subject]
            self.assertEqual(len(mine), 1, mine)
            rc, out, err = run(user, "export", folder, d)
            self.assertEqual(rc, 0, err)
            with open(os.path.join(d, mine[0][0].split("/")[1] + ".txt")) as f:
                return f.read()

    KEYWORDS = re.compile(r'\n  property: 0x(8[0-9A-F]{3})101F PtypMultipleString\n'
                          r'    count: 2\n    \[0\]: "Red Category"\n    \[1\]: "Travel"\n'
                          r'    name: (.*)\n')

    def test_export_named_property(self):
        """send --category: PidNameKeywords mapped with RopGetPropertyIdsFromNames;
        export names it from RopGetNamesFromPropertyIds (alice's sent copy)."""
        rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test", "--subject",
                           "Categorised", "--category", "Red Category", "--category", "Travel")
        self.assertEqual(rc, 0, err)
        m = self.KEYWORDS.search(self.export_one("alice@x.test", "Sent Items", "Categorised"))
        self.assertIsNotNone(m)
        self.assertEqual(m.group(2), '{00020329-0000-0000-c000-000000000046} string "Keywords"')

    def test_export_named_property_delivered(self):
        """Local delivery maps named properties into the recipient's mailbox
        (named property ids are per store, [MS-OXCPRPT] 2.2.12): carol's copy
        names PidNameKeywords from her own store."""
        rc, out, err = run("alice@x.test", "send", "--to", "carol@x.test", "--subject",
                           "Categorised 2", "--category", "Red Category", "--category", "Travel")
        self.assertEqual(rc, 0, err)
        m = self.KEYWORDS.search(self.export_one("carol@x.test", "Inbox", "Categorised 2"))
        self.assertIsNotNone(m)
        self.assertEqual(m.group(2), '{00020329-0000-0000-c000-000000000046} string "Keywords"')

    def test_export_errors(self):
        rc, out, err = run("alice@x.test", "export", "No Such Folder", "/tmp")
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn('no folder called "No Such Folder"', err)
        rc, out, err = run("alice@x.test", "export", "Inbox", "/proc/no/such/dir")
        self.assertEqual(rc, EXIT_USAGE)
        self.assertIn("cannot create /proc/no/such/dir", err)


class Load(unittest.TestCase):
    def load(self, *args):
        return subprocess.run([MAPICLIENT, "--server", server(), "--user", "load%u@x.test",
                               "--password", "load-pw", "load"] + list(args),
                              capture_output=True, text=True, timeout=120)

    def test_three_users(self):
        p = self.load("--sessions", "3", "--duration", "3", "--server-pid",
                      str(Env.daemon.proc.pid))
        self.assertEqual(p.returncode, 0, p.stderr)
        f = {}
        for line in p.stdout.splitlines():
            m = re.match(r"^(\w+): (-?[0-9.]+) (\S+)$", line)
            self.assertIsNotNone(m, "not a 'name: value unit' line: %r" % line)
            f[m.group(1)] = (float(m.group(2)), m.group(3))
        self.assertEqual(f["sessions"], (3, "users"))
        self.assertGreaterEqual(f["duration"][0], 3)
        self.assertEqual(f["ladder_failures"][0], 0)
        self.assertEqual(f["http_errors"][0], 0)
        self.assertGreater(f["requests"][0], 20)
        for a in ("browse", "read", "send", "notify_wait"):
            self.assertEqual(f["action_%s_errors" % a][0], 0, p.stderr)
        self.assertGreater(f["action_browse"][0] + f["action_read"][0], 0)
        # the startup ladder of each user, then the mix
        for t in ("Autodiscover", "Bind", "QueryRows", "Unbind", "Connect", "Execute"):
            self.assertGreaterEqual(f["%s_requests" % t][0], 3 if t != "Execute" else 15, t)
            self.assertEqual(f["%s_p50" % t][1], "ms")
            self.assertLessEqual(f["%s_p50" % t][0], f["%s_p99" % t][0])
        self.assertEqual(f["Connect_requests"][0], 3)
        self.assertGreater(f["server_rss_max"][0], 1000)
        self.assertEqual(f["server_rss_max"][1], "kB")

    def test_usage(self):
        for args in (["--sessions", "0", "--duration", "1"], ["--sessions", "2"],
                     ["--sessions", "x", "--duration", "1"]):
            p = self.load(*args)
            self.assertEqual(p.returncode, EXIT_USAGE, args)
            self.assertIn("usage: mapiclient", p.stderr)
        p = subprocess.run([MAPICLIENT, "--server", server(), "--user", "alice@x.test",
                            "--password", "x", "load", "--sessions", "1", "--duration", "1"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, EXIT_USAGE)


if __name__ == "__main__":
    MAPICLIENT, it.MAPIHTTPD, it.MAPIADMIN = sys.argv[1:4]
    unittest.main(argv=sys.argv[:1], verbosity=2)
