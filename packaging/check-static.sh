#!/usr/bin/env bash
# Fails unless the binary is statically linked: no program interpreter (the
# dynamic loader) and no shared library it needs.
#
#   bash packaging/check-static.sh [dist/phananh]
set -euo pipefail
bin=${1:-dist/phananh}
if readelf -lW "$bin" | grep -q 'program interpreter'; then
	echo "$bin is dynamically linked: $(readelf -lW "$bin" | grep 'program interpreter')" >&2
	exit 1
fi
if readelf -dW "$bin" 2>/dev/null | grep -q NEEDED; then
	echo "$bin needs shared libraries:" >&2
	readelf -dW "$bin" | grep NEEDED >&2
	exit 1
fi
echo "$bin is static"
