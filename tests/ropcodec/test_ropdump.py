#!/usr/bin/env python3
"""Runs tools/ropdump on spec fixtures (hex and binary input, both
directions, every input type it offers) and checks its output and exit
status.  Usage: test_ropdump.py ROPDUMP FIXTURES_DIR"""
import os
import re
import subprocess
import sys
import tempfile

ROPDUMP, FIXTURES = sys.argv[1], sys.argv[2]
passed = failed = 0


def run(*args, stdin=None):
    p = subprocess.run([ROPDUMP] + list(args), input=stdin, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def fixture(name):
    return os.path.join(FIXTURES, name)


def fixture_bytes(name):
    text = open(fixture(name)).read()
    return bytes.fromhex("".join(re.sub(r"#[^\n]*", "", text).split()))


# [MS-OXCPRPT] 4.3.1: a bare ROP list, request direction, hex by file name
rc, out, err = run(fixture("MS-OXCPRPT-4.3.1-setproperties-request.hex"))
check("setproperties request", rc == 0 and out.splitlines() == [
    "RopSetProperties (0x0A) request",
    "  LogonId: 0",
    "  InputHandleIndex: 0",
    "  vals: 2 values",
    "    value: 0x003D001F PidTagSubjectPrefix PtypString",
    "      value: \"\"",
    "    value: 0x0E1D001F PidTagNormalizedSubject PtypString",
    "      value: \"Hello World\""], out + err)

# the same bytes as a binary file on stdin
rc, out2, err = run("-", stdin=fixture_bytes("MS-OXCPRPT-4.3.1-setproperties-request.hex"))
check("binary input on stdin", rc == 0 and out2 == out, out2 + err)

# [MS-OXORULE] 4.2.2: response direction, rows read in the given columns
rc, out, err = run("--response", "--columns", "66740014,66750102,6682001F",
                   fixture("MS-OXORULE-4.2.2-queryrows-response.hex"))
check("queryrows response with columns", rc == 0 and
      "      value: 0x6682001F PidTagRuleName PtypString\n        value: \"Project X\"\n" in out
      and "  origin: 2 (0x02)\n" in out, out + err)
rc, out, err = run("-r", fixture("MS-OXORULE-4.2.2-queryrows-response.hex"))
check("queryrows response without columns: exit 1, error, bytes", rc == 1 and
      out.startswith("! offset 0: ") and "undecoded: 56 bytes" in out, out + err)

# [MS-OXCMAPIHTTP] 2.2.4.2.1: an Execute body down to its ROPs and handles
rc, out, err = run("--type", "execute", fixture("MS-OXCMAPIHTTP-2.2.4.2.1-execute-request.hex"))
check("execute request body", rc == 0 and
      "      RopRelease (0x01) request\n" in out and "      [0] 0x00000001\n" in out and
      "RPC_HEADER_EXT 0: Version 0x0000 Flags 0x0004 (Last) Size 9 SizeActual 9" in out,
      out + err)
body = fixture_bytes("MS-OXCMAPIHTTP-2.2.4.2.1-execute-request.hex")
# the RopBuffer alone: Flags (4), RopBufferSize (4), then 17 bytes
with tempfile.NamedTemporaryFile(suffix=".bin") as f:
    f.write(body[8:8 + 17])
    f.flush()
    rc, out, err = run("-t", "ext", f.name)
    check("RPC_HEADER_EXT chain alone", rc == 0 and out.startswith("RPC_HEADER_EXT 0:"), out + err)
    rc, out, err = run("-t", "ropbuffer", "-", stdin=body[16:16 + 9])
    check("ROP buffer alone", rc == 0 and out.startswith("RopSize: 5\n"), out + err)

# [MS-OXCMAPIHTTP] 2.2.4.1.1 / 2.2.4.1.2: Connect both ways
rc, out, err = run("-t", "connect", fixture("MS-OXCMAPIHTTP-2.2.4.1.1-connect-request.hex"))
check("connect request", rc == 0 and "DefaultCodePage: 1252\n" in out, out + err)
rc, out, err = run("-r", "-t", "connect", fixture("MS-OXCMAPIHTTP-2.2.4.1.2-connect-response.hex"))
check("connect response", rc == 0 and "DisplayName: \"Jane Doe\"\n" in out, out + err)

# [MS-OXCRPC] 2.2.2.2: an auxiliary buffer
rc, out, err = run("-t", "aux", fixture("MS-OXCRPC-2.2.2.2-aux-connect-request.hex"))
check("aux buffer", rc == 0 and re.search(r"AuxiliaryBuffer: \d+ blocks", out) is not None and
      "AUX_PERF_" in out and '    processinfo.process_name: "OUTLOOK.EXE"\n' in out and
      "  AUX_HEADER Version 0x01 Type 0x49 (unknown)\n    data: 4 bytes\n" in out, out + err)

# [MS-OXCMAPIHTTP] 2.2.5: NSPI bodies by X-RequestType
rc, out, err = run("-t", "nspi:Bind", fixture("MS-OXCMAPIHTTP-2.2.5.1-bind-request.hex"))
check("nspi Bind request", rc == 0 and out.startswith("Bind request\nflags: 0 (0x00000000)\n")
      and "state: SortType" in out and "AuxiliaryBufferSize: 0" in out, out + err)
rc, out, err = run("-r", "-t", "nspi:GetProps",
                   fixture("MS-OXCMAPIHTTP-2.2.5.7-get-props-response.hex"))
check("nspi GetProps response", rc == 0 and out.startswith("GetProps response\n") and
      "PidTagDisplayName" in out, out + err)
rc, out, err = run("-t", "nspi:NoSuchRequest", "-")
check("nspi unknown request type", rc == 2 and "usage:" in err, err)

# truncated input: what decodes, then the error; exit 1
rc, out, err = run("-", stdin=bytes.fromhex("150000000132"))
check("truncated request", rc == 1 and "! offset 0: input ends inside a field" in out, out + err)

# usage and input errors: exit 2
rc, out, err = run("--type", "nonsense", "-")
check("bad type", rc == 2 and "usage:" in err, err)
rc, out, err = run("-x", "-", stdin=b"zz")
check("bad hex", rc == 2 and "not hex" in err, err)
rc, out, err = run("-c", "xyz", "-", stdin=b"")
check("bad columns", rc == 2 and "bad property tag list" in err, err)
rc, out, err = run("/nonexistent/file")
check("missing file", rc == 2 and "No such file" in err, err)

# the coverage report: every ROP of [MS-OXCROPS] 2.2.2 and the totals
rc, out, err = run("--coverage")
lines = out.splitlines()
check("coverage", rc == 0 and len(lines) == 133 and
      re.fullmatch(r"132 ROPs: \d+ full, \d+ partial, 0 unsupported", lines[-1]) is not None and
      lines[0].startswith("0x01 RopRelease ") and lines[-2].startswith("0xFF RopBufferTooSmall"),
      out[-300:])

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
