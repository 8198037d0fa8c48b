/* fuzz_lan_decode.h - the LAN decoder fuzz entry point, shared by libFuzzer, the smoke run and the seed extractor. */
#ifndef XANET_FUZZ_LAN_DECODE_H
#define XANET_FUZZ_LAN_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_LAN_NLINKS 6
/* The link types an input's first byte picks from (modulo the count). */
extern const int fuzz_lan_links[FUZZ_LAN_NLINKS];
/* LINKTYPE's index in fuzz_lan_links, -1 if it has none. */
int fuzz_lan_link_index(int linktype);
/* Hand-built seeds in hex: the link index byte, then the frame. */
extern const char *const fuzz_lan_builtin[];
extern const size_t fuzz_lan_nbuiltin;
/* HEX into OUT (at most SIZE bytes); returns the byte count. */
size_t fuzz_lan_unhex(const char *hex, uint8_t *out, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
