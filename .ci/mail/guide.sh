#!/usr/bin/env bash
# Fills the configuration blocks of docs/mail-server.md from the files that
# CI starts the mail servers with (docs/mail-server/), so that the guide
# cannot drift from what is tested:
#
#   bash .ci/mail/guide.sh          print the guide as it should be
#   bash .ci/mail/guide.sh --write  rewrite docs/mail-server.md so
#   bash .ci/mail/guide.sh --check  fail when docs/mail-server.md differs
#
# In the guide, a block between "<!-- file: PATH -->" and "<!-- end -->"
# holds docs/mail-server/PATH as a deployment uses it: the lines marked
# "ci-only" are left out, @@ROOT@@ (the test's temporary root) is the
# system's own, the mail user is vmail, and a DKIM key stands for the one
# the deployment makes.
set -euo pipefail
cd "$(dirname "$0")/../.."
guide=docs/mail-server.md

render() {
	local path=$1 lang=text
	case "$path" in
	*.cf | */header_checks | */mailboxes | */senders) lang=text ;;
	*.zone) lang=dns ;;
	esac
	echo '```'"$lang"
	grep -Ev '[#;] ci-only$' "docs/mail-server/$path" |
		sed -e 's|@@ROOT@@||g' -e 's|@@MAIL_USER@@|vmail|g' \
			-e 's|@@DKIM \([^ ]*\) \([^@]*\)@@|MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA… (the p= of opendkim-genkey -d \1 -s \2: \2.txt)|g'
	echo '```'
}

generate() {
	local line path skipping=""
	while IFS= read -r line || [ -n "$line" ]; do
		if [ -n "$skipping" ]; then
			if [ "$line" = "<!-- end -->" ]; then
				skipping=""
				echo "$line"
			fi
			continue
		fi
		echo "$line"
		if [[ $line =~ ^\<!--\ file:\ ([^ ]+)\ --\>$ ]]; then
			path=${BASH_REMATCH[1]}
			[ -f "docs/mail-server/$path" ] || { echo "guide.sh: $guide names docs/mail-server/$path, which does not exist" >&2; exit 1; }
			render "$path"
			skipping=1
		fi
	done <"$guide"
	[ -z "$skipping" ] || { echo "guide.sh: $guide: a file block has no <!-- end -->" >&2; exit 1; }
}

case "${1:-}" in
"") generate ;;
--write)
	out=$(generate)
	printf '%s\n' "$out" >"$guide"
	;;
--check)
	for f in $(cd docs/mail-server && find . -type f | sed 's|^\./||' | sort); do
		grep -qxF "<!-- file: $f -->" "$guide" || { echo "guide.sh: $guide does not show docs/mail-server/$f" >&2; exit 1; }
	done
	if ! diff -u "$guide" <(generate); then
		echo "guide.sh: $guide differs from the files CI runs the mail servers with: bash .ci/mail/guide.sh --write" >&2
		exit 1
	fi
	echo "guide.sh: $guide matches docs/mail-server/"
	;;
*) echo "usage: $0 [--write | --check]" >&2; exit 2 ;;
esac
