/* fuzz_snmp_values.h - the SNMP values fuzz entry point, shared by libFuzzer and the make-check smoke driver. */
#ifndef XANET_FUZZ_SNMP_VALUES_H
#define XANET_FUZZ_SNMP_VALUES_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
