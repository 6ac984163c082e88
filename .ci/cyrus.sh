#!/usr/bin/env bash
# A second IMAP server for phananh's end-to-end tests: Cyrus IMAP from
# Debian's packages, configured as Debian does (.ci/mail/cyrus/: the
# standard namespace, where every folder of an account is under INBOX and
# "." separates levels). Its capabilities differ from Dovecot's.
#
#   .ci/cyrus.sh install    install it: cyrus-common and sasl2-bin with apt;
#                           cyrus-imapd, which holds imapd alone, conflicts
#                           with dovecot-imapd ("imap-server"), so its
#                           package is downloaded and unpacked into
#                           /var/cache/phananh-ci/cyrus instead
#   .ci/cyrus.sh run CMD…   in a network namespace of its own (only its
#                           loopback), start Cyrus on 127.0.0.1:143 with
#                           STARTTLS, run CMD with the PHANANH_TEST_IMAP_*
#                           variables of one account, stop it; exit with
#                           CMD's status
#
# It runs as root (namespaces; Cyrus drops to its own user).
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."

die() { echo "cyrus.sh: $*" >&2; exit 1; }
say() { echo "cyrus.sh: $*" >&2; }

unpacked=/var/cache/phananh-ci/cyrus
imapd=$unpacked/usr/lib/cyrus/bin/imapd

install() {
	local missing=() p
	# postfix first: cyrus-common wants a mail transport agent, and would
	# otherwise bring Debian's default one.
	for p in postfix cyrus-common sasl2-bin libsasl2-modules; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		local policy=/usr/sbin/policy-rc.d made=""
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\nexit 101\n' >"$policy"
			chmod 0755 "$policy"
			made=1
		fi
		echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
		[ -z "$made" ] || rm -f "$policy"
	fi
	local version
	version=$(dpkg-query -W -f='${Version}' cyrus-common)
	if [ -x "$imapd" ] && [ "$(cat "$unpacked/version" 2>/dev/null)" = "$version" ]; then
		return
	fi
	say "unpacking cyrus-imapd $version"
	local tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq "cyrus-imapd=$version" 2>/dev/null) ||
		{ DEBIAN_FRONTEND=noninteractive apt-get update -qq && (cd "$tmp" && apt-get download -qq "cyrus-imapd=$version"); }
	rm -rf "$unpacked"
	mkdir -p "$unpacked"
	dpkg-deb -x "$tmp"/cyrus-imapd_*.deb "$unpacked"
	echo "$version" >"$unpacked/version"
	rm -rf "$tmp"
}

render() {
	sed -e "s|@@ROOT@@|$root|g" -e "s|@@IMAPD@@|$imapd|g" "$1" >"$2"
}

answers() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/143 && head -c 4 <&3" 2>/dev/null | grep -q '^\* OK'
}

inside() {
	ip link set lo up
	root=$(mktemp -d /tmp/phananh-cyrus.XXXXXX)
	chmod 0755 "$root"
	pid="" 
	local status=0 password i
	cleanup() {
		[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
		[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
		rm -rf "$root"
	}
	trap cleanup EXIT
	password=$(openssl rand -hex 12)
	mkdir -p "$root"/{lib,spool,run,log}
	render .ci/mail/cyrus/imapd.conf "$root/imapd.conf"
	render .ci/mail/cyrus/cyrus.conf "$root/cyrus.conf"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
		-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$root/key.pem" -out "$root/cert.pem" 2>/dev/null
	echo "$password" | saslpasswd2 -p -c -f "$root/sasldb2" -u "$(hostname)" phananh
	chown -R cyrus:mail "$root"/{lib,spool,run,log,sasldb2,key.pem,cert.pem}
	chmod 0600 "$root/key.pem"
	/usr/lib/cyrus/bin/master -C "$root/imapd.conf" -M "$root/cyrus.conf" -p "$root/run/master.pid" -D \
		>>"$root/log/master.log" 2>&1 </dev/null &
	pid=$!
	for i in $(seq 1 100); do
		answers && break
		kill -0 "$pid" 2>/dev/null || { cat "$root/log/master.log" >&2; die "Cyrus exited at start"; }
		sleep 0.2
	done
	answers || { cat "$root/log/master.log" >&2; die "Cyrus does not answer on 127.0.0.1:143"; }
	say "Cyrus IMAP $(dpkg-query -W -f='${Version}' cyrus-common) on 127.0.0.1:143, folder $root"

	export PHANANH_TEST_IMAP_ADDR=127.0.0.1:143
	export PHANANH_TEST_IMAP_USER=phananh
	export PHANANH_TEST_IMAP_PASSWORD=$password
	export PHANANH_TEST_IMAP_TLS=starttls
	export PHANANH_TEST_IMAP_CA_FILE=$root/cert.pem
	"$@" || status=$?
	if [ $status -ne 0 ]; then
		echo "---- the end of Cyrus's log ----" >&2
		tail -n 40 "$root/log/master.log" >&2 || true
	fi
	return $status
}

case "${1:-}" in
install) install ;;
run)
	shift
	[ $# -gt 0 ] || die "usage: $0 run CMD…"
	[ "$(id -u)" -eq 0 ] || die "run needs root"
	[ -x "$imapd" ] || die "Cyrus is not installed: $0 install"
	exec unshare --net -- bash "$self" inside "$@"
	;;
inside)
	shift
	inside "$@"
	;;
*) die "usage: $0 install | run CMD…" ;;
esac
