/* oui.h - MAC vendor names from the IEEE OUI list (Debian ieee-data's oui.csv). */
#ifndef XANET_LAN_OUI_H
#define XANET_LAN_OUI_H

#include <stddef.h>
#include <stdint.h>

#define LAN_OUI_PATH "/usr/share/ieee-data/oui.csv"

struct lan_oui;

/*
 * Load the MA-L (24-bit) assignments of PATH (NULL: LAN_OUI_PATH), once,
 * into a sorted array. NULL with a reason in ERR if the file cannot be
 * read or holds no assignment.
 */
struct lan_oui *lan_oui_load(const char *path, char *err, size_t errlen);
void lan_oui_free(struct lan_oui *o);
/* The organisation that owns MAC's prefix, or NULL (also for locally
   administered addresses, which carry no vendor). */
const char *lan_oui_lookup(const struct lan_oui *o, const uint8_t mac[6]);
size_t lan_oui_count(const struct lan_oui *o);

#endif
