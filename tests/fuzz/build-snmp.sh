#!/bin/sh
# build-snmp.sh - build the SNMP values libFuzzer target (clang); not part of make check.
# Usage: tests/fuzz/build-snmp.sh [BUILDDIR] -> BUILDDIR/fuzz_snmp_values
# BUILDDIR is a configured build directory (it holds autoconf.h); default ".".
# Run: ./fuzz_snmp_values -max_total_time=300 CORPUSDIR
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-.}
if [ ! -f "$build/autoconf.h" ]; then
	echo "build-snmp.sh: $build/autoconf.h not found: run configure there first" >&2
	exit 1
fi
command -v clang >/dev/null || { echo "build-snmp.sh: clang not found (apt-get install clang)" >&2; exit 1; }
snmp_cflags=$(pkg-config --cflags netsnmp)
snmp_libs=$(pkg-config --libs netsnmp)
# shellcheck disable=SC2086
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$src" -I"$build" -include autoconf.h $snmp_cflags \
	-o "$build/fuzz_snmp_values" \
	"$src/tests/fuzz/fuzz_snmp_values.c" "$src/probes/snmpdata.c" \
	"$src/common/util.c" "$src/common/log.c" "$src/common/xtime.c" \
	$snmp_libs -lm
echo "built $build/fuzz_snmp_values"
