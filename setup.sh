#!/bin/sh
# setup.sh - install what xanet needs on Debian 12, build it, then run or test it.
#   sh setup.sh run    build and run xanetd in the foreground on its embedded default
#   sh setup.sh test   build with sanitizers and -Werror, run the whole test suite
set -eu

cmd=${1:-run}
case $cmd in
run | test | deps) ;;
*) echo "usage: sh setup.sh run|test|deps" >&2; exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
	exec sudo sh "$0" "$@"
fi
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

# Build and run time dependencies (DESIGN.md section 6).
PKGS="build-essential autoconf automake pkg-config python3 tzdata ieee-data
libev-dev libpcap-dev libsnmp-dev libsqlite3-dev libcurl4-openssl-dev
libmicrohttpd-dev libjansson-dev libsodium-dev libarchive-dev libcap-ng-dev
libsystemd-dev libinih-dev libcsv-dev libcmocka-dev libc-ares-dev"
# What the tests start as real peers, or use to look inside.
TEST_PKGS="sqlite3 iproute2 nftables snmpd snmp fping util-linux procps
openssl tcpreplay tcpdump clang time chromium poppler-utils fonts-dejavu-core
python3-aiosmtpd prometheus wrk nodejs lighttpd lighttpd-mod-webdav"

want=$PKGS
[ "$cmd" = run ] || want="$want $TEST_PKGS"
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
# npm comes with some nodejs builds (NodeSource) and separately on Debian.
if [ "$cmd" != run ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing npm"
fi
if [ -n "$missing" ]; then
	echo "setup: installing:$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing
fi
# The unprivileged user xanetd drops to after opening its sockets.
if ! getent passwd xanet >/dev/null; then
	useradd --system --no-create-home --home-dir /var/lib/xanet \
		--shell /usr/sbin/nologin xanet
fi
# Test peers from npm (the registry is reachable; kept outside the tree).
if [ "$cmd" != run ]; then
	npmdir=/var/cache/xanet-test/npm
	[ -x "$npmdir/node_modules/.bin/s3rver" ] ||
		npm install --no-audit --no-fund --loglevel=error \
			--prefix "$npmdir" s3rver@3 >/dev/null
	# playwright-core drives Debian's chromium in the browser tests.
	sh tests/lib/npmcache.sh >/dev/null
fi
[ "$cmd" = deps ] && exit 0

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi
fi
jobs=$(nproc)
if [ "$cmd" = run ]; then
	mkdir -p build && cd build
	[ -f Makefile ] || ../configure -q --sysconfdir=/etc --localstatedir=/var
	make -j"$jobs"
	echo "setup: starting xanetd in the foreground (Ctrl-C stops it)"
	exec ./xanetd -f
fi
mkdir -p build-check && cd build-check
[ -f Makefile ] || ../configure -q --enable-werror --enable-sanitizers \
	--sysconfdir=/etc --localstatedir=/var
make -j"$jobs"
make check
