#!/bin/sh
# build-lan.sh - build the LAN decoder libFuzzer target and seed its corpus from the testdata captures.
# usage: tests/fuzz/build-lan.sh OUTDIR [PCAPDIR]
#   OUTDIR/fuzz_lan_decode  the libFuzzer binary (clang, ASan + UBSan)
#   OUTDIR/corpus/          one seed per captured frame (link index byte + frame)
# then: OUTDIR/fuzz_lan_decode -max_total_time=620 OUTDIR/corpus
set -eu
out=${1:?usage: build-lan.sh OUTDIR [PCAPDIR]}
src=$(cd "$(dirname "$0")/../.." && pwd)
pcaps=${2:-${XANET_TESTDATA:-$src/../shared/testdata/pcap}}
CC=${CLANG:-clang}
mkdir -p "$out/corpus"
$CC -g -O1 -I"$src" -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-o "$out/fuzz_lan_decode" \
	"$src/tests/fuzz/fuzz_lan_decode.c" "$src/probes/lan/decode.c"
$CC -g -O1 -I"$src" -o "$out/lan_seeds" \
	"$src/tests/fuzz/lan_seeds.c" "$src/tests/fuzz/fuzz_lan_decode.c" \
	"$src/probes/lan/decode.c" -lpcap
if [ -d "$pcaps" ]; then
	"$out/lan_seeds" "$pcaps" "$out/corpus"
else
	echo "build-lan.sh: no captures in $pcaps: empty corpus" >&2
fi
echo "run: $out/fuzz_lan_decode -max_total_time=620 $out/corpus"
