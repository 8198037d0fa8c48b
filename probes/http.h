/* http.h - what the http/https probe engine shows outside its engine table. */
#ifndef XANET_HTTP_H
#define XANET_HTTP_H

/*
 * The engine itself is probe_engine_http (probes/engine.h). One round is
 * one GET of the probe's URL through a shared curl multi handle on the
 * loop, on a fresh connection (no reuse, no TLS session resumption, no
 * DNS cache), so that every round measures and verifies what a first
 * visitor would; redirects are not followed: a 301 is judged by the
 * accepted status list.
 */

/*
 * At most this much of a body is read: the text of http_contains must
 * appear in it. A longer body ends the round there (rtt_us is then the
 * time to that point).
 */
#define HTTP_BODY_MAX (64 * 1024)

/* Accepted statuses when a device sets no http_status. */
#define HTTP_STATUS_DEFAULT "200-399"

/*
 * A test and diagnostic hook: when this environment variable names a
 * PEM file as the engine opens, https probes trust the CAs in it instead
 * of the system bundle (libcurl's CURLOPT_CAINFO), and the daemon logs
 * that it does. The tests use it to check certificates from a CA they
 * make; nothing in a normal installation sets it.
 */
#define HTTP_CA_FILE_ENV "XANET_CA_FILE"

#endif
