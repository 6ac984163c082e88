#!/usr/bin/env bash
# The mail servers that phananh's end-to-end tests run behind in CI: Postfix
# as haugiang.gov.vn's border MX and submission service, with OpenDKIM and
# OpenDMARC as milters and Dovecot (IMAP, LDA, SASL) behind it, configured
# with the files of docs/mail-server/ (the deployment guide is generated
# from them); and the outside world of .ci/mail/: a second Postfix with its
# own OpenDKIM (the citizens' and staff's MX) and a DNS server (dnsmasq)
# that holds every domain's MX, SPF, DKIM and DMARC records.
#
#   .ci/mail-servers.sh install     install the Debian packages (apt-get)
#   .ci/mail-servers.sh run CMD…    in a network namespace of its own, which
#                                   has only its loopback (nothing leaves the
#                                   machine), and a mount namespace whose
#                                   /etc/resolv.conf names the DNS server,
#                                   start the servers, run CMD with the
#                                   PHANANH_TEST_* variables below, stop the
#                                   servers; exit with CMD's status
#   .ci/mail-servers.sh ci          what CI runs (from .ci/run): the guide
#                                   checked against docs/mail-server/, the
#                                   packages, every end-to-end test (TestE2E…)
#                                   behind the servers, and the same test
#                                   without the border's header_checks, which
#                                   must fail (a forged command is applied);
#                                   then every end-to-end test against Cyrus
#                                   IMAP (.ci/cyrus.sh), a second IMAP server
#
# PHANANH_MAIL_STRIP=off starts the border without its header_checks rule
# (the removal of forged Authentication-Results headers).
#
# Inside the namespace:
#
#   127.0.0.1:53    dnsmasq
#   127.0.0.2:25    Postfix, the MX of haugiang.gov.vn (mail.haugiang.gov.vn)
#   127.0.0.2:587   Postfix, submission (STARTTLS, login through Dovecot)
#   127.0.0.2:143   Dovecot IMAP (STARTTLS); its LDA delivers, SASL on a socket
#   127.0.0.1:8891  OpenDKIM (verifies on the MX, signs on submission)
#   127.0.0.1:8893  OpenDMARC
#   127.0.0.3:25    Postfix, mx.example.com: the MX of every other domain
#   127.0.0.1:8894  its OpenDKIM (verifies, authserv-id mx.example.com)
#   127.0.0.1:2525  where mx.example.com delivers: the test's SMTP server
#   192.0.2.1       (on the loopback too) where outside servers connect from
#
# The variables CMD gets (see cmd/phananh/mta_test.go):
#
#   PHANANH_TEST_IMAP_ADDR, _USER, _PASSWORD, _TLS, _CA_FILE   Dovecot
#   PHANANH_TEST_MX           the border MX, where mail from outside enters
#   PHANANH_TEST_OUTSIDE      the address outside servers connect from
#   PHANANH_TEST_SUBMISSION   the submission service the daemon sends through
#   PHANANH_TEST_MAIL_PASSWORD  the password of every phananh-tXXXXXXXX
#                             account (one per test, IMAP and submission)
#   PHANANH_TEST_WORLD_SINK   where the test listens for the world's mail
#   PHANANH_TEST_DKIM_KEYS    a folder of the world's private keys,
#                             DOMAIN.SELECTOR.pem, for the test to sign
#                             staff mail with (unpublished.pem: a key that no
#                             DNS record holds)
#
# Logs go to the temporary folder's var/log/, shown when CMD fails.
# PHANANH_MAIL_KEEP=1 keeps the folder.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."

die() { echo "mail-servers.sh: $*" >&2; exit 1; }
say() { echo "mail-servers.sh: $*" >&2; }

packages=(postfix opendkim opendmarc dovecot-imapd publicsuffix dnsmasq-base iproute2 util-linux openssl)

install() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "packages already installed"
		return
	fi
	say "installing ${missing[*]}"
	# No service of the packages' own may start on the host: only the
	# copies this script starts, in their namespace.
	local policy=/usr/sbin/policy-rc.d made=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		made=1
	fi
	echo "opendmarc opendmarc/dbconfig-install boolean false" | debconf-set-selections
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	[ -z "$made" ] || rm -f "$policy"
}

# render SRC DST writes a configuration file for the servers: @@ROOT@@ is
# the temporary root, the other @@NAME@@ the values below, and the
# "ci-only" marks are removed.
render() {
	local src=$1 dst=$2
	mkdir -p "$(dirname "$dst")"
	sed -e "s|@@ROOT@@|$root|g" \
		-e "s|@@TEST_PASSWORD@@|$password|g" \
		-e "s|@@TEST_UID@@|$mail_uid|g" -e "s|@@TEST_GID@@|$mail_gid|g" -e "s|@@MAIL_USER@@|nobody|g" \
		-e 's/[[:space:]]*[#;] ci-only$//' "$src" >"$dst"
}

# dkim_key DOMAIN SELECTOR makes a 2048-bit RSA key in $root/keys and
# prints the base64 of its public half, for the p= of the DNS record.
dkim_key() {
	local pem="$root/keys/$1.$2.pem"
	if [ ! -e "$pem" ]; then
		openssl genrsa -out "$pem" 2048 2>/dev/null
	fi
	openssl rsa -in "$pem" -pubout -outform DER 2>/dev/null | base64 -w0
}

# dnsmasq_conf ZONE… turns zone lines (NAME TYPE DATA) into dnsmasq's
# options, with the DKIM keys filled in; TXT strings longer than 255
# octets are cut into several.
dnsmasq_conf() {
	local name type data key
	grep -hv '^[[:space:]]*;' "$@" | sed 's/[[:space:]]*; ci-only$//' | while read -r name type data; do
		[ -n "$name" ] || continue
		name=${name%.}
		case "$type" in
		A) echo "host-record=$name,$data" ;;
		MX)
			read -r pref host <<<"$data"
			echo "mx-host=$name,${host%.},$pref"
			;;
		TXT)
			data=${data#\"}
			data=${data%\"}
			while [[ $data =~ @@DKIM\ ([^ ]+)\ ([^@]+)@@ ]]; do
				key=$(dkim_key "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
				data=${data/"${BASH_REMATCH[0]}"/$key}
			done
			local parts="" rest=$data
			while [ ${#rest} -gt 255 ]; do
				parts+=",\"${rest:0:255}\""
				rest=${rest:255}
			done
			parts+=",\"$rest\""
			echo "txt-record=$name$parts"
			;;
		*) die "zone: type $type not handled" ;;
		esac
	done
}

# wait_port HOST PORT NAME waits until something listens there.
wait_port() {
	local i
	for i in $(seq 1 150); do
		if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	show_logs
	die "$3 does not listen on $1:$2"
}

show_logs() {
	local f
	for f in "$root"/var/log/*; do
		[ -s "$f" ] || continue
		echo "---- the end of $f ----" >&2
		tail -n 40 "$f" >&2
	done
}

pids=()

# start NAME CMD… runs CMD in the background, its output in var/log/NAME.log.
start() {
	local name=$1
	shift
	"$@" >>"$root/var/log/$name.log" 2>&1 </dev/null &
	pids+=($!)
}

stop_all() {
	local pid
	postfix -c "$root/etc/postfix" stop >/dev/null 2>&1 || true
	postfix -c "$root/etc/postfix-world" stop >/dev/null 2>&1 || true
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "${PHANANH_MAIL_KEEP:-}" = 1 ]; then
		say "kept $root"
	else
		rm -rf "$root"
	fi
}

inside() {
	ip link set lo up
	# Postfix listens on addresses of its own, and wants them on an interface.
	ip addr add 127.0.0.2/8 dev lo
	ip addr add 127.0.0.3/8 dev lo
	# The outside world's servers connect from an address of their own: from
	# 127.0.0.0/8, OpenDMARC's SPF check (libspf2) passes every sender.
	ip addr add 192.0.2.1/32 dev lo
	root=$(mktemp -d /tmp/phananh-mail.XXXXXX)
	chmod 0755 "$root"
	trap stop_all EXIT
	password=$(openssl rand -hex 12)
	mail_uid=$(id -u nobody) mail_gid=$(getent group nogroup | cut -d: -f3)
	mkdir -p "$root"/{keys,run/opendkim,run/opendmarc,var/log,var/mail,var/lib/dovecot,etc/ssl}
	chown opendkim "$root/run/opendkim"
	chown opendmarc "$root/run/opendmarc"
	chown "$mail_uid:$mail_gid" "$root/var/mail"
	touch "$root/var/log/dovecot-lda.log"
	chown "$mail_uid:$mail_gid" "$root/var/log/dovecot-lda.log"

	# Keys and certificate.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
		-subj "/CN=mail.haugiang.gov.vn" \
		-addext "subjectAltName=DNS:mail.haugiang.gov.vn,DNS:mx.example.com,IP:127.0.0.2,IP:127.0.0.3" \
		-keyout "$root/etc/ssl/mail.haugiang.gov.vn.key" -out "$root/etc/ssl/mail.haugiang.gov.vn.pem" 2>/dev/null
	chmod 0644 "$root/etc/ssl/mail.haugiang.gov.vn.key" # read by Postfix's and Dovecot's users
	openssl genrsa -out "$root/keys/unpublished.pem" 2048 2>/dev/null

	# DNS.
	dnsmasq_conf docs/mail-server/dns.zone .ci/mail/world.zone >"$root/dnsmasq.conf"
	cat >>"$root/dnsmasq.conf" <<-EOF
		no-resolv
		no-hosts
		no-poll
		listen-address=127.0.0.1
		bind-interfaces
		local=/example/
		local=/example.com/
		local=/gov.vn/
		host-record=localhost,127.0.0.1
		bogus-priv
	EOF
	echo "nameserver 127.0.0.1" >"$root/resolv.conf"
	mount --bind "$root/resolv.conf" /etc/resolv.conf
	start dnsmasq dnsmasq --keep-in-foreground --conf-file="$root/dnsmasq.conf" --log-facility=- --user=root
	wait_port 127.0.0.1 53 dnsmasq 2>/dev/null || true

	# The border: OpenDKIM, OpenDMARC, Dovecot, Postfix.
	local f
	for f in $(cd docs/mail-server && find opendkim opendmarc postfix dovecot -type f); do
		render "docs/mail-server/$f" "$root/etc/$f"
	done
	if [ "${PHANANH_MAIL_STRIP:-on}" = off ]; then
		echo "# PHANANH_MAIL_STRIP=off: no rule" >"$root/etc/postfix/header_checks"
		say "the border keeps incoming Authentication-Results headers (PHANANH_MAIL_STRIP=off)"
	fi
	mv "$root/etc/opendkim/opendkim.conf" "$root/etc/opendkim.conf"
	mv "$root/etc/opendmarc/opendmarc.conf" "$root/etc/opendmarc.conf"
	mkdir -p "$root/etc/opendkim/keys"
	dkim_key haugiang.gov.vn mail >/dev/null
	cp "$root/keys/haugiang.gov.vn.mail.pem" "$root/etc/opendkim/keys/"
	chown -R opendkim "$root/etc/opendkim/keys"
	chmod 0600 "$root/etc/opendkim/keys/"*
	echo "phananh@haugiang.gov.vn:{PLAIN}$password:$mail_uid:$mail_gid::$root/var/mail/phananh@haugiang.gov.vn" >"$root/etc/dovecot/users"
	chgrp dovecot "$root/etc/dovecot/users"
	chmod 0640 "$root/etc/dovecot/users"

	start opendkim opendkim -f -x "$root/etc/opendkim.conf"
	start opendmarc opendmarc -f -c "$root/etc/opendmarc.conf"

	# The world: its Postfix and OpenDKIM.
	for f in main.cf master.cf refused; do
		render ".ci/mail/world/$f" "$root/etc/postfix-world/$f"
	done
	render .ci/mail/world/opendkim.conf "$root/etc/opendkim-world.conf"
	start opendkim-world opendkim -f -x "$root/etc/opendkim-world.conf"

	mkdir -p "$root/var/spool/postfix" "$root/var/lib/postfix" "$root/var/spool/postfix-world" "$root/var/lib/postfix-world"
	chown postfix "$root/var/lib/postfix" "$root/var/lib/postfix-world"
	postfix -c "$root/etc/postfix" check >>"$root/var/log/postfix-start.log" 2>&1 || { show_logs; die "postfix check failed"; }
	postfix -c "$root/etc/postfix-world" check >>"$root/var/log/postfix-start.log" 2>&1 || { show_logs; die "postfix check failed (world)"; }
	# Dovecot makes its sockets in Postfix's queue folder: after postfix check.
	start dovecot dovecot -F -c "$root/etc/dovecot/dovecot.conf"
	start postfix postfix -c "$root/etc/postfix" start-fg
	start postfix-world postfix -c "$root/etc/postfix-world" start-fg

	wait_port 127.0.0.1 8891 OpenDKIM
	wait_port 127.0.0.1 8893 OpenDMARC
	wait_port 127.0.0.1 8894 "the world's OpenDKIM"
	wait_port 127.0.0.2 143 Dovecot
	wait_port 127.0.0.2 25 Postfix
	wait_port 127.0.0.2 587 "Postfix submission"
	wait_port 127.0.0.3 25 "the world's Postfix"
	say "servers up in $root: Postfix $(postconf -c "$root/etc/postfix" -h mail_version), Dovecot $(dovecot --version | cut -d' ' -f1), $(opendkim -V | head -1), $(opendmarc -V | head -1)"

	export PHANANH_TEST_IMAP_ADDR=127.0.0.2:143
	export PHANANH_TEST_IMAP_USER=phananh@haugiang.gov.vn
	export PHANANH_TEST_IMAP_PASSWORD=$password
	export PHANANH_TEST_IMAP_TLS=starttls
	export PHANANH_TEST_IMAP_CA_FILE=$root/etc/ssl/mail.haugiang.gov.vn.pem
	export PHANANH_TEST_MX=127.0.0.2:25
	export PHANANH_TEST_OUTSIDE=192.0.2.1
	export PHANANH_TEST_SUBMISSION=127.0.0.2:587
	export PHANANH_TEST_MAIL_PASSWORD=$password
	export PHANANH_TEST_WORLD_SINK=127.0.0.1:2525
	export PHANANH_TEST_DKIM_KEYS=$root/keys
	local status=0
	"$@" || status=$?
	if [ $status -ne 0 ]; then
		show_logs
	fi
	return $status
}

section() {
	printf '\n==== %s (%s, at %ds) ====\n' "$1" "$(date -u +%H:%M:%S)" "$SECONDS"
}

ci() {
	section "mail servers: docs/mail-server.md against docs/mail-server/"
	bash .ci/mail/guide.sh --check
	section "mail servers: install"
	install
	section "end-to-end tests behind Postfix, OpenDKIM, OpenDMARC and Dovecot: go test -count=1 -run E2E ./..."
	bash "$self" run go test -count=1 -run 'E2E' ./...
	section "the same border without its header_checks: TestE2EBorderCommands must fail"
	local out
	if out=$(PHANANH_MAIL_STRIP=off bash "$self" run go test -count=1 -run '^TestE2EBorderCommands$' ./cmd/phananh 2>&1); then
		echo "$out" | tail -n 20
		die "TestE2EBorderCommands passed with forged Authentication-Results left in place"
	fi
	if ! grep -q "a forgery was applied" <<<"$out"; then
		echo "$out" | tail -n 40
		die "TestE2EBorderCommands failed without the border's stripping, but not for a forgery applied"
	fi
	grep -m1 "a forgery was applied" <<<"$out"
	echo "as it must: without the stripping, a forged command is applied"
	section "Cyrus IMAP (.ci/cyrus.sh): install"
	bash .ci/cyrus.sh install
	section "end-to-end tests against Cyrus IMAP, a second IMAP server: go test -count=1 -run E2E ./..."
	bash .ci/cyrus.sh run go test -count=1 -run 'E2E' ./...
}

case "${1:-}" in
install) install ;;
run)
	shift
	[ $# -gt 0 ] || die "usage: $0 run CMD…"
	[ "$(id -u)" -eq 0 ] || die "run needs root (namespaces, ports 25 and 53, the servers' users)"
	exec unshare --net --mount --propagation private -- bash "$self" inside "$@"
	;;
inside)
	shift
	inside "$@"
	;;
ci) ci ;;
*) die "usage: $0 install | run CMD… | ci" ;;
esac
