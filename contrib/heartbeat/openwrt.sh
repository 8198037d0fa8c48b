#!/bin/sh
# openwrt.sh - xanet heartbeat from an OpenWrt router.
# Install: copy to /usr/bin/xanet-heartbeat, chmod +x, then add to
# /etc/crontabs/root (and /etc/init.d/cron restart):
#   */5 * * * * /usr/bin/xanet-heartbeat
URL="http://SERVER:8080/hb/TOKEN"

# Report a fault when the WAN has no default route.
if ip route show default | grep -q .; then
	q=""
else
	q="?status=fail&msg=no-wan-route"
fi
if command -v uclient-fetch >/dev/null 2>&1; then
	uclient-fetch -q -T 20 -O /dev/null "$URL$q"
else
	wget -q -T 20 -O /dev/null "$URL$q"
fi
