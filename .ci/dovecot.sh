#!/usr/bin/env bash
# A throw-away Dovecot IMAP server on loopback, for phananh's end-to-end tests.
#
#   .ci/dovecot.sh start DIR   install Dovecot if it is missing (apt), write a
#                              configuration into DIR (created if needed; use an
#                              empty folder), start Dovecot on 127.0.0.1 at a
#                              free port with STARTTLS and a self-signed
#                              certificate, wait until it answers, and print
#                              the PHANANH_TEST_IMAP_* variables the tests read
#                              as `export` lines (also written to DIR/env).
#   .ci/dovecot.sh stop DIR    stop that server (DIR can then be removed).
#
# By hand:
#
#   dir=$(mktemp -d)
#   eval "$(.ci/dovecot.sh start "$dir")"
#   go test -count=1 -run 'E2E' ./...
#   .ci/dovecot.sh stop "$dir" && rm -rf "$dir"
#
# One account (user "phananh", a random password), maildir in DIR/mail with the
# "fs" layout so that the hierarchy separator is "/" (tests make mailboxes such
# as t-1a2b3c4d/INBOX). Run as root, mail belongs to nobody:nogroup and the
# login processes run as Dovecot's own users; run as anyone else, every process
# runs as that user. Logs go to DIR/dovecot.log.
set -euo pipefail

die() { echo "dovecot.sh: $*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_dovecot() {
	if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
		return
	fi
	echo "dovecot.sh: installing dovecot-imapd" >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd >&2
}

dovecot_bin() {
	command -v dovecot 2>/dev/null || echo /usr/sbin/dovecot
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local port i
	for i in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

# answers reports whether an IMAP server greets on 127.0.0.1:$1.
answers() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && head -c 4 <&3" 2>/dev/null | grep -q '^\* OK'
}

write_config() {
	local dir=$1 port=$2 password=$3 uid gid owner
	if [ "$(id -u)" -eq 0 ]; then
		uid=$(id -u nobody) gid=$(getent group nogroup | cut -d: -f3)
		owner="nobody:nogroup"
	else
		uid=$(id -u) gid=$(id -g)
		owner="$(id -un):$(id -gn)"
	fi

	mkdir -p "$dir/mail/phananh"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R "$owner" "$dir/mail"
		chmod 0711 "$dir"
	fi

	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
		-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
	chmod 0600 "$dir/key.pem"

	echo "phananh:{PLAIN}$password:$uid:$gid::$dir/mail/phananh" >"$dir/users"
	chmod 0600 "$dir/users"
	if [ "$(id -u)" -eq 0 ]; then
		# The auth process reads it as Dovecot's internal user.
		if chgrp dovecot "$dir/users" 2>/dev/null; then
			chmod 0640 "$dir/users"
		else
			chmod 0644 "$dir/users"
		fi
	fi

	local users=""
	if [ "$(id -u)" -ne 0 ]; then
		users="default_login_user = $(id -un)
default_internal_user = $(id -un)
default_internal_group = $(id -gn)"
	fi

	cat >"$dir/dovecot.conf" <<-EOF
		# Written by .ci/dovecot.sh for phananh's end-to-end tests.
		instance_name = phananh-test-$port
		protocols = imap
		listen = 127.0.0.1
		base_dir = $dir/run
		state_dir = $dir/state
		log_path = $dir/dovecot.log
		$users

		ssl = yes
		ssl_cert = <$dir/cert.pem
		ssl_key = <$dir/key.pem
		ssl_min_protocol = TLSv1.2
		disable_plaintext_auth = no
		auth_mechanisms = plain login

		passdb {
		  driver = passwd-file
		  args = scheme=PLAIN username_format=%u $dir/users
		}
		userdb {
		  driver = passwd-file
		  args = username_format=%u $dir/users
		}

		mail_location = maildir:~/Maildir:LAYOUT=fs
		namespace inbox {
		  inbox = yes
		  separator = /
		}

		service imap-login {
		  chroot =
		  inet_listener imap {
		    address = 127.0.0.1
		    port = $port
		  }
		  inet_listener imaps {
		    port = 0
		  }
		}
		service anvil {
		  chroot =
		}
	EOF
}

start() {
	local dir=$1
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ ! -e "$dir/dovecot.pid" ] || die "$dir already holds a server; stop it first"
	install_dovecot
	command -v openssl >/dev/null || die "openssl is needed for the certificate"

	local port password pid i
	port=$(free_port)
	password=$(openssl rand -hex 12)
	write_config "$dir" "$port" "$password"

	"$(dovecot_bin)" -F -c "$dir/dovecot.conf" >>"$dir/dovecot.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/dovecot.pid"

	for i in $(seq 1 100); do
		if answers "$port"; then
			break
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$dir/dovecot.log" >&2 || true
			rm -f "$dir/dovecot.pid"
			die "dovecot exited at start (log above)"
		fi
		sleep 0.2
	done
	answers "$port" || { cat "$dir/dovecot.log" >&2; die "dovecot does not answer on 127.0.0.1:$port"; }

	cat >"$dir/env" <<-EOF
		export PHANANH_TEST_IMAP_ADDR=127.0.0.1:$port
		export PHANANH_TEST_IMAP_USER=phananh
		export PHANANH_TEST_IMAP_PASSWORD=$password
		export PHANANH_TEST_IMAP_TLS=starttls
		export PHANANH_TEST_IMAP_CA_FILE=$dir/cert.pem
	EOF
	echo "dovecot.sh: Dovecot $("$(dovecot_bin)" --version | cut -d' ' -f1) on 127.0.0.1:$port (STARTTLS), pid $pid, folder $dir" >&2
	cat "$dir/env"
}

stop() {
	local dir=$1 pid i
	[ -e "$dir/dovecot.pid" ] || return 0
	pid=$(cat "$dir/dovecot.pid")
	if kill "$pid" 2>/dev/null; then
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$dir/dovecot.pid"
	echo "dovecot.sh: stopped Dovecot (pid $pid)" >&2
}

case "${1:-}" in
start) [ $# -eq 2 ] || die "usage: $0 start DIR"; start "$2" ;;
stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
*) die "usage: $0 start DIR | stop DIR" ;;
esac
