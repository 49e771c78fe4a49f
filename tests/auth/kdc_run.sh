#!/bin/sh
# Starts a throw-away MIT KDC on 127.0.0.1 (free port, own realm, config in a
# temp dir), creates alice@REALM, HTTP/localhost and HTTP/other, writes their
# keytabs, kinits alice, then runs the given test program with:
#   KRB5_CONFIG, KRB5CCNAME set; args: <http.keytab> <other.keytab> <realm>
# AUTH_TEST_DIR names the temp dir for the test's own files.
# The KDC is stopped (by its pid) and the temp dir removed at exit.
set -eu
exe=$1
# gss-ntlmssp (a GSSAPI plugin that MIT loads for every credential) calls
# strndup() on a buffer shorter than the length it passes, which
# AddressSanitizer's strict_string_checks reports; that check stays on for
# our own code everywhere else.
case "${ASAN_OPTIONS:-}" in
*strict_string_checks=1*)
	ASAN_OPTIONS=$(echo "$ASAN_OPTIONS" | sed 's/strict_string_checks=1/strict_string_checks=0/')
	export ASAN_OPTIONS
	;;
esac
realm=MAPIHTTPD.TEST
PATH=$PATH:/usr/sbin:/sbin
dir=$(mktemp -d "${TMPDIR:-/tmp}/auth-kdc.XXXXXX")
kdcpid=""
cleanup() {
	if [ -n "$kdcpid" ]; then
		kill "$kdcpid" 2>/dev/null || true
		wait "$kdcpid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >"$dir/krb5.conf" <<CONF
[libdefaults]
	default_realm = $realm
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	udp_preference_limit = 1
[realms]
	$realm = {
		kdc = 127.0.0.1:$port
	}
[domain_realm]
	localhost = $realm
	other = $realm
CONF
cat >"$dir/kdc.conf" <<CONF
[kdcdefaults]
	kdc_listen = 127.0.0.1:$port
	kdc_tcp_listen = 127.0.0.1:$port
[realms]
	$realm = {
		database_name = $dir/principal
		key_stash_file = $dir/stash
		acl_file = $dir/kadm5.acl
		kdc_listen = 127.0.0.1:$port
		kdc_tcp_listen = 127.0.0.1:$port
	}
[logging]
	kdc = FILE:$dir/kdc.log
CONF
: >"$dir/kadm5.acl"
export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf"
export KRB5CCNAME="FILE:$dir/ccache" KRB5RCACHEDIR="$dir" AUTH_TEST_DIR="$dir"

kdb5_util create -s -r "$realm" -P masterpw >/dev/null 2>&1
kadmin.local -r "$realm" -q "addprinc -pw alicepw alice" >/dev/null 2>&1
kadmin.local -r "$realm" -q "addprinc -randkey HTTP/localhost" >/dev/null 2>&1
kadmin.local -r "$realm" -q "addprinc -randkey HTTP/other" >/dev/null 2>&1
kadmin.local -r "$realm" -q "ktadd -k $dir/http.keytab HTTP/localhost" >/dev/null 2>&1
kadmin.local -r "$realm" -q "ktadd -k $dir/other.keytab HTTP/other" >/dev/null 2>&1

krb5kdc -n -r "$realm" -P "$dir/kdc.pid" &
kdcpid=$!
ok=0
for _ in $(seq 1 50); do
	if echo alicepw | kinit alice >/dev/null 2>&1; then
		ok=1
		break
	fi
	sleep 0.1
done
if [ "$ok" != 1 ]; then
	echo "kdc_run: could not kinit against the test KDC" >&2
	cat "$dir/kdc.log" >&2 || true
	exit 1
fi
# Not exec: the trap must stop the KDC afterwards.
status=0
"$exe" "$dir/http.keytab" "$dir/other.keytab" "$realm" || status=$?
exit $status
