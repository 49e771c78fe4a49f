#!/usr/bin/env python3
"""Runs the real mapiadmin binary against a temporary data directory and
checks its output and exit status for every command and error."""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

MAPIADMIN = sys.argv[1]
failures = 0


def run(data, *args, stdin=None):
    cmd = [MAPIADMIN] + (["--data-dir", data] if data else []) + list(args)
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60,
                       stdin=None if stdin is not None else subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def run_tty(data, answers, *args):
    """Runs mapiadmin on a pseudo-terminal and answers each prompt."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(MAPIADMIN, [MAPIADMIN, "--data-dir", data] + list(args))
    out = b""
    pending = list(answers)
    deadline = time.monotonic() + 30
    while True:
        ready, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            out += b"<timeout>"
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if pending and out.rstrip().endswith(b"password:"):
            os.write(fd, pending.pop(0).encode() + b"\n")
            out += b"<answered>"
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace"), ""


def check(name, got, status, out=None, err=None):
    """got = (status, stdout, stderr); out/err are regexes searched for."""
    global failures
    rc, so, se = got
    ok = rc == status
    if out is not None and not re.search(out, so, re.M):
        ok = False
    if err is not None and not re.search(err, se, re.M):
        ok = False
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        failures += 1
        print(f"  status {rc} (want {status})\n  stdout: {so!r}\n  stderr: {se!r}")


GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def field(text, name):
    m = re.search(r"^" + name + r": (.*)$", text, re.M)
    return m.group(1) if m else None


def mailbox_tests(d):
    """mailbox commands and the mailbox side of user add / del; alice, bob
    and carol exist, made by user add."""
    show = run(d, "user", "show", "alice@demo.test")[1]
    guid, dn = field(show, "mailbox-guid"), field(show, "legacy-dn")
    got = run(d, "mailbox", "info", "alice@demo.test")
    check("mailbox info after user add", got, 0,
          out=r"\Amailbox-guid: " + re.escape(guid) + r"\nowner: alice@demo\.test\n"
              r"owner-name: Alice Demo\nowner-dn: " + re.escape(dn) + r"\nreplica-guid: " +
              GUID + r"\nreplid: 1\ncreated: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n"
              r"folders: 26\nmessages: 0\nfai-messages: 0\nmessage-bytes: 0\n"
              r"disk-bytes: [1-9]\d*\nquota-warning-bytes: unlimited\n"
              r"quota-shutoff-bytes: unlimited\nmax-message-bytes: unlimited\n"
              r"next-globcnt: [1-9]\d*\n\Z")
    check("mailbox info by GUID", run(d, "mailbox", "info", guid), 0,
          out=r"^owner: alice@demo\.test$")
    check("mailbox info by alias", run(d, "mailbox", "info", "al@other.test"), 0,
          out=r"^mailbox-guid: " + re.escape(guid) + "$")
    check("mailbox info unknown user", run(d, "mailbox", "info", "nobody@demo.test"), 1,
          err=r"not found: no such user")
    check("mailbox info unknown GUID",
          run(d, "mailbox", "info", "01234567-89ab-cdef-0123-456789abcdef"), 1,
          err=r"not found: no such mailbox")
    check("mailbox info bad argument", run(d, "mailbox", "info", "0123-zz"), 1,
          err=r"neither an address nor a mailbox GUID")
    check("mailbox create existing", run(d, "mailbox", "create", "alice@demo.test"), 1,
          err=r"already exists")
    check("mailbox create unknown user", run(d, "mailbox", "create", "x@demo.test"), 1,
          err=r"not found")
    check("mailbox check", run(d, "mailbox", "check", "alice@demo.test"), 0,
          out=r"\Amailbox alice@demo\.test: consistent\n\Z")
    check("mailbox check unknown", run(d, "mailbox", "check", "nobody@demo.test"), 1,
          err=r"not found")

    b = tempfile.mkdtemp(prefix="test-mapiadmin-backup-")
    try:
        dest = os.path.join(b, "copy")
        got = run(d, "mailbox", "backup", "alice@demo.test", dest)
        check("mailbox backup", got, 0,
              out=r"\Abackup of alice@demo\.test written to " + re.escape(dest) +
                  r"/data\.mdb \([1-9]\d* bytes\)\n\Z")
        mode = os.stat(os.path.join(dest, "data.mdb")).st_mode & 0o777
        check("backup is private", (0 if mode == 0o600 else 1, oct(mode), ""), 0)
        check("mailbox backup over a backup", run(d, "mailbox", "backup", guid, dest), 1,
              err=r"already holds a data\.mdb")
        # The copy is a working mailbox: restore it into another data dir.
        restored = os.path.join(b, "restored")
        mdir = os.path.join(restored, "mailboxes", uuid.UUID(guid).bytes_le.hex())
        os.makedirs(mdir, mode=0o700)
        shutil.copy(os.path.join(dest, "data.mdb"), mdir)
        check("restored backup info", run(restored, "mailbox", "info", guid), 0,
              out=r"^owner: \(none: disconnected\)\nowner-name: Alice Demo\n(.|\n)*"
                  r"^folders: 26$")
        check("restored backup check", run(restored, "mailbox", "check", guid), 0,
              out=r"consistent")
    finally:
        shutil.rmtree(b)

    bob = field(run(d, "user", "show", "bob@demo.test")[1], "mailbox-guid")
    check("mailbox list", run(d, "mailbox", "list"), 0,
          out=r"^" + re.escape(guid) + r"\talice@demo\.test$(.|\n)*^" + re.escape(bob) +
              r"\tbob@demo\.test$|^" + re.escape(bob) + r"\tbob@demo\.test$(.|\n)*^" +
              re.escape(guid) + r"\talice@demo\.test$")
    check("mailbox purge of a connected mailbox", run(d, "mailbox", "purge", bob), 1,
          err=r"belongs to bob@demo\.test")
    check("mailbox purge by address", run(d, "mailbox", "purge", "bob@demo.test"), 1,
          err=r"GUID")
    check("user del disconnects the mailbox", run(d, "user", "del", "bob@demo.test"), 0,
          out=r"\Auser bob@demo\.test deleted\nmailbox " + re.escape(bob) +
              r" disconnected and kept")
    check("disconnected mailbox info", run(d, "mailbox", "info", bob), 0,
          out=r"^owner: \(none: disconnected\)$(.|\n)*^disconnected: \d{4}-")
    check("mailbox list shows it disconnected", run(d, "mailbox", "list"), 0,
          out=r"^" + re.escape(bob) + r"\t\(disconnected\)$")
    check("mailbox purge", run(d, "mailbox", "purge", bob), 0,
          out=r"\Amailbox " + re.escape(bob) + r" purged\n\Z")
    got = run(d, "mailbox", "list")
    check("purged mailbox gone", (0 if bob not in got[1] and guid in got[1] else 1,
                                  got[1], ""), 0)
    check("mailbox purge again", run(d, "mailbox", "purge", bob), 1, err=r"not found")
    check("user add again after purge",
          run(d, "user", "add", "bob@demo.test", "--name", "Bob Again", "--password", "x"), 0,
          out=r"mailbox " + GUID + " created")
    check("new mailbox for the new bob", run(d, "mailbox", "info", "bob@demo.test"), 0,
          out=r"^owner-name: Bob Again$")


def main():
    d = tempfile.mkdtemp(prefix="test-mapiadmin-")
    try:
        check("--help", run(None, "--help"), 0, out=r"user alias add ADDRESS ALIAS")
        check("no data dir", run(None, "domain", "list"), 2, err=r"usage:")
        check("no command", run(d), 2, err=r"usage:")
        check("unknown command", run(d, "frob"), 2, err=r"unknown command")
        check("unknown option", run(d, "domain", "list", "--frob"), 2, err=r"unknown option")
        check("wrong arity", run(d, "domain", "add"), 2, err=r"usage: .*domain add DOMAIN")
        check("option needs value", run(d, "user", "add", "a@b.c", "--name"), 2,
              err=r"--name needs a value")

        check("org show defaults", run(d, "org", "show"), 0,
              out=r"^name: First Organization\ndeployment-id: "
                  r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        check("org set-name", run(d, "org", "set-name", "Demo Org"), 0, out=r"Demo Org")
        check("org set-name with /", run(d, "org", "set-name", "a/b"), 1, err=r"invalid")
        check("org show renamed", run(d, "org", "show"), 0, out=r"^name: Demo Org$")

        check("domain add", run(d, "domain", "add", "Demo.Test"), 0, out=r"added")
        check("domain add duplicate", run(d, "domain", "add", "demo.test"), 1,
              err=r"already exists")
        check("domain add invalid", run(d, "domain", "add", "bad_name"), 1, err=r"invalid")
        check("domain add second", run(d, "domain", "add", "other.test"), 0)
        check("domain list", run(d, "domain", "list"), 0, out=r"\Ademo\.test\nother\.test\n\Z")

        check("user add --password",
              run(d, "user", "add", "Alice@Demo.Test", "--name", "Alice Demo",
                  "--password", "demo-alice"), 0,
              out=r"\Auser alice@demo\.test added \(id 1\)\nmailbox [0-9a-f-]{36} created\n\Z")
        check("user add password on stdin",
              run(d, "user", "add", "bob@demo.test", "--name", "Bob Demo", stdin="pw-bob\n"),
              0, out=r"id 2")
        check("user add empty stdin password",
              run(d, "user", "add", "carol@demo.test", "--name", "C", stdin="\n"), 1,
              err=r"password is empty")
        check("user add --no-password",
              run(d, "user", "add", "carol@demo.test", "--name", "Carol", "--no-password"), 0)
        check("user add without --name", run(d, "user", "add", "x@demo.test", "--password", "x"),
              2, err=r"--name")
        check("user add duplicate",
              run(d, "user", "add", "alice@demo.test", "--name", "A", "--password", "x"), 1,
              err=r"already exists")
        check("user add unknown domain",
              run(d, "user", "add", "x@nowhere.test", "--name", "X", "--password", "x"), 1,
              err=r"unknown domain")
        check("user add bad address",
              run(d, "user", "add", "not-an-address", "--name", "X", "--password", "x"), 1,
              err=r"local@domain")
        check("user add bad display name",
              run(d, "user", "add", "y@demo.test", "--name", "", "--password", "x"), 1,
              err=r"display name")

        check("user list", run(d, "user", "list"), 0,
              out=r"\Aalice@demo\.test\tAlice Demo\nbob@demo\.test\tBob Demo\n"
                  r"carol@demo\.test\tCarol\n\Z")
        got = run(d, "user", "show", "ALICE@demo.test")
        check("user show", got, 0,
              out=r"^address: alice@demo\.test\ndisplay-name: Alice Demo\naliases:\nid: 1\n"
                  r"mailbox-guid: [0-9a-f-]{36}\nlegacy-dn: /o=Demo Org/ou=Exchange "
                  r"Administrative Group \(FYDIBOHF23SPDLT\)/cn=Recipients/cn=[0-9a-f]{32}-alice$")
        secret = re.search(r"argon2|password|hash", got[1], re.I)
        check("user show prints no secrets", (1 if secret else 0, got[1], ""), 0)
        check("user show unknown", run(d, "user", "show", "nobody@demo.test"), 1,
              err=r"not found")

        check("alias add", run(d, "user", "alias", "add", "alice@demo.test", "al@other.test"),
              0, out=r"alias al@other\.test added")
        check("alias add duplicate",
              run(d, "user", "alias", "add", "bob@demo.test", "al@other.test"), 1,
              err=r"already exists")
        check("alias add existing address",
              run(d, "user", "alias", "add", "bob@demo.test", "alice@demo.test"), 1,
              err=r"already exists")
        check("alias add unknown user",
              run(d, "user", "alias", "add", "nobody@demo.test", "n@demo.test"), 1,
              err=r"not found")
        check("alias add unknown domain",
              run(d, "user", "alias", "add", "bob@demo.test", "b@nowhere.test"), 1,
              err=r"unknown domain")
        check("user show by alias", run(d, "user", "show", "al@other.test"), 0,
              out=r"^address: alice@demo\.test\n.*\naliases: al@other\.test$")
        check("domain del in use", run(d, "domain", "del", "other.test"), 1, err=r"in use")

        check("user passwd --password",
              run(d, "user", "passwd", "alice@demo.test", "--password", "new-pw"), 0,
              out=r"password of alice@demo\.test changed")
        check("user passwd stdin", run(d, "user", "passwd", "bob@demo.test", stdin="x2\n"), 0)
        got = run_tty(d, ["tty-pw", "tty-pw"], "user", "passwd", "bob@demo.test")
        check("user passwd on a terminal", got, 0,
              out=r"New password: <answered>\s*Repeat password: <answered>")
        check("terminal password not echoed", (1 if "tty-pw" in got[1] else 0, got[1], ""), 0)
        check("user passwd terminal mismatch",
              run_tty(d, ["one", "two"], "user", "passwd", "bob@demo.test"), 1,
              out=r"do not match")
        check("user passwd unknown",
              run(d, "user", "passwd", "nobody@demo.test", "--password", "x"), 1,
              err=r"not found")

        mailbox_tests(d)

        check("user del alias refused", run(d, "user", "del", "al@other.test"), 1, err=r"alias")
        check("user del", run(d, "user", "del", "alice@demo.test"), 0, out=r"deleted")
        check("user del again", run(d, "user", "del", "alice@demo.test"), 1, err=r"not found")
        check("domain del freed", run(d, "domain", "del", "other.test"), 0, out=r"deleted")
        check("domain del unknown", run(d, "domain", "del", "other.test"), 1, err=r"not found")
        check("ids not reused",
              run(d, "user", "add", "alice@demo.test", "--name", "A", "--password", "x"), 0,
              out=r"id 5")

        modes = {os.path.relpath(os.path.join(r, n), d): os.stat(os.path.join(r, n)).st_mode
                 for r, dirs, files in os.walk(d) for n in dirs + files}
        bad = {p: oct(m & 0o777) for p, m in modes.items()
               if (m & 0o777) != (0o700 if os.path.isdir(os.path.join(d, p)) else 0o600)}
        check("private file modes", (0 if not bad else 1, str(bad), ""), 0)
        with open(os.path.join(d, "directory", "data.mdb"), "rb") as f:
            data = f.read()
        leaked = [pw for pw in (b"demo-alice", b"pw-bob", b"new-pw") if pw in data]
        check("no clear passwords on disk", (0 if not leaked else 1, str(leaked), ""), 0)
    finally:
        shutil.rmtree(d)
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
