#!/usr/bin/env bash
# CI of the operator's side, run by .ci/run (as root: it installs and purges
# the package on this machine). About a minute with a warm build cache, three
# on a cold one (the release build, nfpm's first build, apt for promtool).
#
#   1. the release build (packaging/build.sh) is static and stamped
#   2. the Debian package builds (packaging/build-deb.sh) and installs with
#      dpkg -i: the phananh user, /var/lib/phananh, the keys, the conffile,
#      the documentation the README names
#   3. the systemd unit passes `systemd-analyze verify`; its exposure score
#      (`systemd-analyze security`) stays under 2.0
#   4. the installed `phananh version` and `phananh check` (as the phananh
#      user): on the shipped configuration it names what is still to set;
#      pointed at a real Dovecot, the IMAP checks pass
#   5. the installed daemon runs as the phananh user against that Dovecot
#      until /healthz says ok, and stops on SIGTERM
#   6. reinstalling keeps the operator's changes to the conffile; dpkg -r
#      keeps the configuration, keys and data; dpkg --purge deletes them
#   7. promtool (Debian's prometheus package) checks and unit-tests the
#      alerting rules
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n---- packaging: %s (at %ds) ----\n' "$1" "$SECONDS"; }
fail() {
	echo "packaging/ci.sh: $*" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || fail "run as root: it installs the package"

step "release build"
bash packaging/build.sh
bash packaging/check-static.sh dist/phananh
. packaging/version.sh
stamp="phananh $VERSION (commit $COMMIT, built $DATE,"
dist/phananh version | grep -qF "$stamp" || fail "dist/phananh version: $(dist/phananh version), want $stamp"

step "Debian package"
bash packaging/build-deb.sh
deb="dist/phananh_${VERSION}_$(go env GOARCH).deb"
[ -f "$deb" ] || fail "$deb was not written"
dovecot_dir=$(mktemp -d)
serve_pid=
cleanup() {
	[ -z "$serve_pid" ] || kill "$serve_pid" 2>/dev/null || true
	.ci/dovecot.sh stop "$dovecot_dir" >/dev/null 2>&1 || true
	rm -rf "$dovecot_dir"
	dpkg --purge phananh >/dev/null 2>&1 || true
}
trap cleanup EXIT
dpkg --purge phananh >/dev/null 2>&1 || true # what an earlier run left
dpkg -i "$deb"
getent passwd phananh >/dev/null || fail "no phananh user"
[ "$(stat -c %U:%a /var/lib/phananh)" = phananh:750 ] || fail "/var/lib/phananh is $(stat -c %U:%a /var/lib/phananh)"
[ "$(stat -c %U:%G:%a /etc/phananh/config.toml)" = root:phananh:640 ] || fail "config.toml is $(stat -c %U:%G:%a /etc/phananh/config.toml)"
for key in encryption token; do
	[ "$(stat -c %U:%a /etc/phananh/keys/$key.key)" = phananh:600 ] || fail "the $key key is $(stat -c %U:%a /etc/phananh/keys/$key.key)"
done
dpkg-query -W -f='${Conffiles}\n' phananh | grep -q '/etc/phananh/config.toml' || fail "config.toml is not a conffile"
for doc in README.md config.example.toml docs/mail-server.md docs/mail-server/postfix/main.cf; do
	[ -f "/usr/share/doc/phananh/$doc" ] || fail "/usr/share/doc/phananh/$doc is not installed (the README names it)"
done

step "systemd unit"
unit=/usr/lib/systemd/system/phananh.service
systemd-analyze verify "$unit"
score=$(systemd-analyze security --offline=true "$unit" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
echo "systemd-analyze security: exposure $score"
awk -v s="$score" 'BEGIN { exit !(s != "" && s < 2.0) }' || fail "exposure $score, want under 2.0"

as_phananh() { runuser -u phananh -- "$@"; }

step "the installed phananh: version, check on the shipped configuration"
as_phananh phananh version | grep -qF "$stamp" || fail "installed version: $(phananh version)"
status=0
as_phananh phananh check --config /etc/phananh/config.toml >"$dovecot_dir/check.out" || status=$?
cat "$dovecot_dir/check.out"
[ "$status" -eq 1 ] || fail "check of the unconfigured package exited $status, want 1"
expect() { # STATUS NAME: the check NAME printed a line of STATUS
	grep -Eq "^$1 +$2  " "$dovecot_dir/check.out" || fail "check: no \"$1 $2\" line"
}
for ok in config "encryption key" "token key" store "routing table" templates clock; do
	expect ok "$ok"
done
expect fail "imap password"

step "check and serve against Dovecot"
eval "$(.ci/dovecot.sh start "$dovecot_dir")"
install -o phananh -g phananh -m 0600 /dev/null /etc/phananh/secrets/imap.password
printf '%s\n' "$PHANANH_TEST_IMAP_PASSWORD" >/etc/phananh/secrets/imap.password
install -m 0644 "$PHANANH_TEST_IMAP_CA_FILE" /etc/phananh/imap-ca.pem
listen="127.0.0.1:$((20000 + RANDOM % 10000))"
cat >/etc/phananh/ci.toml <<EOF
[imap]
host = "${PHANANH_TEST_IMAP_ADDR%:*}"
port = ${PHANANH_TEST_IMAP_ADDR##*:}
tls = "starttls"
username = "$PHANANH_TEST_IMAP_USER"
password_file = "secrets/imap.password"
ca_file = "imap-ca.pem"
poll_interval = "5s"

[smtp]
host = "127.0.0.1"
port = 1
tls = "none"
from = "phananh@haugiang.gov.vn"

[store]
path = "/var/lib/phananh/phananh.db"
data_dir = "/var/lib/phananh/data"
keys_path = "/var/lib/phananh/keys/data-keys.db"

[http]
listen = "$listen"
EOF
chown root:phananh /etc/phananh/ci.toml
chmod 0640 /etc/phananh/ci.toml
status=0
as_phananh phananh check --config /etc/phananh/ci.toml >"$dovecot_dir/check.out" || status=$?
cat "$dovecot_dir/check.out"
[ "$status" -eq 1 ] || fail "check exited $status, want 1 (no SMTP server)"
for ok in "imap connect" "imap login" "imap mailbox" "imap IDLE" "imap MOVE" "imap UIDPLUS"; do
	expect ok "$ok"
done
expect fail "smtp connect"

# setpriv execs the daemon itself, so that $! is its pid for the SIGTERM.
setpriv --reuid=phananh --regid=phananh --init-groups \
	phananh serve --config /etc/phananh/ci.toml >"$dovecot_dir/serve.log" 2>&1 </dev/null &
serve_pid=$!
healthz() { # the answer to GET /healthz; fails when nothing listens
	exec 3<>"/dev/tcp/${listen%:*}/${listen##*:}" || return 1
	printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3
	cat <&3
}
healthy=
for _ in $(seq 1 120); do
	if health=$(healthz 2>/dev/null) && [[ $health == *$'\r\n\r\nok'* ]]; then
		healthy=yes
		break
	fi
	sleep 0.5
done
[ -n "$healthy" ] || {
	cat "$dovecot_dir/serve.log"
	fail "the installed daemon never said ok on /healthz"
}
echo "the installed daemon serves: /healthz ok"
kill -TERM "$serve_pid"
wait "$serve_pid" || fail "phananh serve exited $? after SIGTERM"
serve_pid=
[ -f /var/lib/phananh/phananh.db ] || fail "serve made no database"
rm /etc/phananh/ci.toml /etc/phananh/imap-ca.pem

step "reinstall keeps the conffile; remove keeps the data; purge deletes it"
echo "# changed by the operator" >>/etc/phananh/config.toml
dpkg -i "$deb"
grep -qx "# changed by the operator" /etc/phananh/config.toml || fail "the reinstall replaced the operator's config.toml"
dpkg -r phananh
[ ! -e /usr/bin/phananh ] || fail "dpkg -r left the binary"
for f in /etc/phananh/config.toml /etc/phananh/keys/encryption.key /var/lib/phananh/phananh.db /var/lib/phananh/keys/data-keys.db; do
	[ -f "$f" ] || fail "dpkg -r removed $f"
done
dpkg --purge phananh
for f in /etc/phananh /var/lib/phananh; do
	[ ! -e "$f" ] || fail "dpkg --purge left $f"
done

step "Prometheus rules"
if ! command -v promtool >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null ||
		{ DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
fi
promtool check rules packaging/phananh.rules.yml
promtool test rules packaging/phananh.rules.test.yml

step "passed"
