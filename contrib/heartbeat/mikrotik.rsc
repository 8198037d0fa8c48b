# mikrotik.rsc - xanet heartbeat from MikroTik RouterOS (v6.43+ / v7).
# Paste into a terminal; it calls xanet every 5 minutes.
/system scheduler add name=xanet-heartbeat interval=5m start-time=startup \
    on-event="/tool fetch url=\"http://SERVER:8080/hb/TOKEN\" keep-result=no"
