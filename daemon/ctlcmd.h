/* ctlcmd.h - the control socket's command table: ping, status, reload, stop. */
#ifndef XANET_CTLCMD_H
#define XANET_CTLCMD_H

/* A control_dispatch_fn; ARG is the struct xanetd. */
char *ctlcmd_dispatch(void *arg, const char *request);

#endif
