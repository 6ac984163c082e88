#!/usr/bin/env bash
# The browser test of the public results (SPEC 9.6): the daemon publishes a
# result, and Debian's Chromium, headless on a phone-sized screen, reads the
# list and the report's page — no console error, no script, the search by
# code works — and takes a screenshot of each.
#
#   .ci/browser.sh [SCREENSHOT_DIR]
#
# Installs chromium (apt, with sudo when not root) when it is missing; a
# browser downloaded by a test tool is not used (none can be fetched here).
# Screenshots go to SCREENSHOT_DIR (default: a new temporary folder), which
# it prints.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v chromium >/dev/null; then
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
chromium --version 2>/dev/null || true

shots=${1:-$(mktemp -d)}
mkdir -p "$shots"
go vet -tags browser ./cmd/phananh
PHANANH_SCREENSHOTS=$shots go test -tags browser -count=1 -run '^TestBrowser' ./cmd/phananh
echo "screenshots:"
ls -l "$shots"
