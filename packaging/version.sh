# Sourced by build.sh and build-deb.sh: sets VERSION, COMMIT and DATE for
# the binary's stamp and the package.
#
#   VERSION  the environment's VERSION when set; else the tag vX.Y.Z on the
#            commit (without its v); else the last such tag (0.0.0 when none)
#            followed by +git<commit time>.<short commit>, which sorts after
#            that tag and before the next, for dpkg as for people.
#   COMMIT   the commit, with -dirty when the work tree has changes.
#   DATE     SOURCE_DATE_EPOCH when set, else the commit's time (UTC): the
#            same commit always builds the same binary.

if git rev-parse --git-dir >/dev/null 2>&1; then
	COMMIT=$(git rev-parse HEAD)
	if ! git diff --quiet HEAD -- 2>/dev/null; then
		COMMIT="$COMMIT-dirty"
	fi
	commit_epoch=$(git show -s --format=%ct HEAD)
	if [ -z "${VERSION:-}" ]; then
		if tag=$(git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null); then
			VERSION=${tag#v}
		else
			base=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || echo v0.0.0)
			VERSION="${base#v}+git$(date -u -d "@$commit_epoch" +%Y%m%d%H%M%S).$(git rev-parse --short=12 HEAD)"
		fi
	fi
else
	COMMIT=unknown
	commit_epoch=$(date +%s)
	: "${VERSION:?not a git checkout: set VERSION}"
fi
DATE=$(date -u -d "@${SOURCE_DATE_EPOCH:-$commit_epoch}" +%Y-%m-%dT%H:%M:%SZ)
export VERSION COMMIT DATE
