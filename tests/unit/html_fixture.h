/* html_fixture.h - a hand-built report (17 cultural houses, or N devices) for the HTML tests and the sample. */
#ifndef XANET_TEST_HTML_FIXTURE_H
#define XANET_TEST_HTML_FIXTURE_H

#include <stddef.h>

#include "evidence/report.h"

/* 2026Q3 in Vietnam: 2026-06-30T17:00Z to 2026-09-30T17:00Z, 92 days. */
#define FIX_Q3_FROM 1782838800000LL
#define FIX_Q3_TO   1790787600000LL
#define FIX_DAY     86400000LL

/*
 * 2026Q3 of a commune: NDEVICES access points spread over villages
 * (the first 17 are the commune's cultural houses, with Vietnamese
 * names), one uplink router, outages, alerts, indicators; LAN data when
 * LAN. Figures come from a fixed pseudo-random sequence, so the same
 * arguments always give the same report. LANG "vi" or "en".
 */
struct report *fixture_report(size_t ndevices, const char *lang, int lan);
void fixture_free(struct report *r);

#endif
