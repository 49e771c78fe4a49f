#!/bin/bash
# Installs what is missing, builds, provisions a demo domain with demo users
# (once) and starts the demo server in the foreground.
#
#   DEMO_LISTEN    address:port to listen on       (default 127.0.0.1:8443)
#   DEMO_HOSTNAME  public host name, used in URLs  (default localhost)
#   DEMO_DATA      data directory                  (default ./demo-data)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

listen=${DEMO_LISTEN:-127.0.0.1:8443}
host=${DEMO_HOSTNAME:-localhost}
data=${DEMO_DATA:-$PWD/demo-data}
domain=demo.test

if [ -f build/build.ninja ]; then
	meson setup --reconfigure build >/dev/null
else
	meson setup build >/dev/null
fi
meson compile -C build >/dev/null

admin() { build/tools/mapiadmin --data-dir "$data" "$@"; }

mkdir -p "$data"
if [ ! -f "$data/.demo-provisioned" ]; then
	admin domain add "$domain"
	while read -r local name; do
		admin user add "$local@$domain" --name "$name" --password "demo-$local"
	done <<-USERS
		alice Alice Demo
		bob Bob Demo
		carol Carol Demo
	USERS
	touch "$data/.demo-provisioned"
fi
# Data dirs provisioned before user add made mailboxes get theirs now.
for local in alice bob carol; do
	admin mailbox info "$local@$domain" >/dev/null 2>&1 || admin mailbox create "$local@$domain"
done

# A self-signed certificate for the host name, made on first start.
cert="$data/tls/$host.crt" key="$data/tls/$host.key"
if [ ! -f "$cert" ]; then
	mkdir -p "$data/tls"
	openssl req -x509 -newkey rsa:3072 -sha256 -days 825 -nodes \
		-keyout "$key" -out "$cert" -subj "/CN=$host" \
		-addext "subjectAltName=DNS:$host,DNS:autodiscover.$host" 2>/dev/null
	chmod 600 "$key"
fi

cat <<-INFO
	Demo server: https://$listen/ (host name $host)
	Users (address / password):
	  alice@$domain / demo-alice
	  bob@$domain   / demo-bob
	  carol@$domain / demo-carol
	Try: curl -k -u alice@$domain:demo-alice -H 'Content-Type: text/xml' \\
	       --data @fixtures/autodiscover/request-alice.xml https://$listen/autodiscover/autodiscover.xml
INFO
# NTLM first, as Outlook prefers it against Exchange; Basic for curl.
exec build/mapihttp/mapihttpd --data-dir "$data" --listen "$listen auth=ntlm,basic" --hostname "$host" \
	--tls-cert "$cert" --tls-key "$key"
