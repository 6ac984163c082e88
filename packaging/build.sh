#!/usr/bin/env bash
# Builds the release binary, as CI and the Debian package do:
#
#   bash packaging/build.sh        writes dist/phananh
#
# The binary is static (CGO_ENABLED=0: SQLite is modernc.org/sqlite, pure
# Go), reproducible (-trimpath; its date is the commit's, see version.sh),
# stripped of its symbol table (stack traces still name functions), and
# stamped with the version, commit and date that `phananh version` prints.
# GOOS and GOARCH cross-compile as usual; OUT changes the output file.
set -euo pipefail
cd "$(dirname "$0")/.."
. packaging/version.sh
out=${OUT:-dist/phananh}
mkdir -p "$(dirname "$out")"
CGO_ENABLED=0 go build -trimpath \
	-ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$DATE" \
	-o "$out" ./cmd/phananh
echo "$out: phananh $VERSION (commit $COMMIT, built $DATE)"
