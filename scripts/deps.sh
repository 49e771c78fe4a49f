#!/bin/sh
# Installs the Debian 12 packages the project needs to build, test and run,
# skipping those already present.  Needs root (or sudo) only when something
# is missing.
set -eu

PACKAGES="meson ninja-build gcc clang pkg-config python3 curl openssl
clang-format libclang-rt-14-dev
libmicrohttpd-dev liblmdb-dev liblz4-dev lmdb-utils libtalloc-dev libical-dev
libkrb5-dev libxml2-dev libargon2-dev libssl-dev libicu-dev libcurl4-openssl-dev libjson-c-dev
krb5-kdc krb5-admin-server krb5-user gss-ntlmssp"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
