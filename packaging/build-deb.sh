#!/usr/bin/env bash
# Builds the Debian package:
#
#   bash packaging/build-deb.sh     writes dist/phananh_<version>_<arch>.deb
#
# It builds the binary with build.sh (GOARCH picks the architecture), makes
# the packaged configuration from config.example.toml (the same file, with
# the database, the data folder and the key store under /var/lib/phananh,
# where the service may write; the encryption and token keys and the
# passwords resolve to /etc/phananh/keys and /etc/phananh/secrets), and
# packs them with nfpm, a Go tool of the module (`go tool nfpm`): nothing
# to install but Go.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/build.sh
. packaging/version.sh
ARCH=$(go env GOARCH)
export ARCH

# The packaged configuration: every key as documented, the state where the
# service may write.
sed -e 's|^path = "phananh.db"$|path = "/var/lib/phananh/phananh.db"|' \
	-e 's|^data_dir = "data"$|data_dir = "/var/lib/phananh/data"|' \
	-e 's|^keys_path = "keys/data-keys.db"$|keys_path = "/var/lib/phananh/keys/data-keys.db"|' \
	config.example.toml >dist/config.toml
for want in 'path = "/var/lib/phananh/phananh.db"' 'data_dir = "/var/lib/phananh/data"' 'keys_path = "/var/lib/phananh/keys/data-keys.db"'; do
	grep -qxF "$want" dist/config.toml || { echo "build-deb.sh: config.example.toml's [store] lines changed: update the sed above" >&2; exit 1; }
done

deb_version=$VERSION
go tool nfpm package --config packaging/nfpm.yaml --packager deb --target "dist/phananh_${deb_version}_${ARCH}.deb"
