/* priv.h - startup privileges: hand the state files over, then drop everything. */
#ifndef XANET_PRIV_H
#define XANET_PRIV_H

#include <stddef.h>
#include <sys/types.h>

struct priv_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Look USER up in the password database; 0 or -1 with a reason in ERR. */
int priv_lookup(
    const char *user, struct priv_user *pu, char *err, size_t errlen);
/*
 * Create directory PATH (mode 0750) if missing and make it and the files
 * directly in it belong to PU: the daemon's own state directory only.
 */
int priv_own_dir(
    const char *path, const struct priv_user *pu, char *err, size_t errlen);
/* Make the single file PATH belong to PU if it exists. */
int priv_own_file(const char *path, const struct priv_user *pu);
/*
 * Drop every capability (effective, permitted, inheritable, bounding,
 * ambient) and, when PU is not NULL, switch to its uid/gid with no
 * supplementary groups; set no_new_privs. Verifies that CapEff is 0.
 */
int priv_drop(const struct priv_user *pu, char *err, size_t errlen);
/* CapEff of this process from /proc/self/status, or -1. */
long long priv_cap_eff(void);

#endif
