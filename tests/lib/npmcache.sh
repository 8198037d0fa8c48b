#!/bin/sh
# npmcache.sh - installs the browser tests' playwright-core once into a cache outside the source tree.
#
#   sh tests/lib/npmcache.sh [DIR]
#
# DIR defaults to $XANET_NPM_CACHE or /var/cache/xanet-test/playwright.
# The version is the one pinned in tests/browser/package.json; when DIR
# already holds it nothing is fetched, so only the first run needs the
# registry. No browser is downloaded: the tests drive Debian's
# /usr/bin/chromium. Prints DIR/node_modules on success.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pkg="$here/../browser/package.json"
dir=${1:-${XANET_NPM_CACHE:-/var/cache/xanet-test/playwright}}

command -v npm >/dev/null 2>&1 || { echo "npmcache: npm is missing" >&2; exit 3; }
# The pin, read without node: "playwright-core": "X.Y.Z".
version=$(sed -n 's/.*"playwright-core" *: *"\([0-9][0-9.]*\)".*/\1/p' "$pkg")
[ -n "$version" ] || { echo "npmcache: no playwright-core pin in $pkg" >&2; exit 2; }

have() {
	sed -n 's/^ *"version" *: *"\([^"]*\)".*/\1/p' \
		"$dir/node_modules/playwright-core/package.json" 2>/dev/null |
		head -n 1
}

mkdir -p "$dir"
# Parallel test runs share the cache: one installs, the others wait.
exec 9>"$dir/.lock"
if command -v flock >/dev/null 2>&1; then
	flock -w 600 9
fi
if [ "$(have)" != "$version" ]; then
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$dir" \
		--no-audit --no-fund --loglevel=error \
		"playwright-core@$version" >&2
fi
if [ "$(have)" != "$version" ]; then
	echo "npmcache: playwright-core@$version not in $dir after npm install" >&2
	exit 1
fi
echo "$dir/node_modules"
