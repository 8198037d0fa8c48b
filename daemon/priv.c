/* priv.c - startup privileges: hand the state files over, then drop everything. */
#include <cap-ng.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "daemon/priv.h"

int
priv_lookup(const char *user, struct priv_user *pu, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen,
		    "user '%s' does not exist; create it "
		    "with: useradd --system --no-create-home --shell "
		    "/usr/sbin/nologin %s (or set [daemon] user)",
		    user, user);
		return -1;
	}
	pu->uid = pw->pw_uid;
	pu->gid = pw->pw_gid;
	str_copy(pu->name, user, sizeof pu->name);
	return 0;
}

static int
priv_mkdirs(const char *path, mode_t mode)
{
	char *tmp = xstrdup(path);
	int rc = 0;

	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(tmp, mode) == -1 && errno != EEXIST)
		rc = -1;
	free(tmp);
	return rc;
}

int
priv_own_file(const char *path, const struct priv_user *pu)
{
	if (lchown(path, pu->uid, pu->gid) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
priv_own_dir(
    const char *path, const struct priv_user *pu, char *err, size_t errlen)
{
	struct dirent *de;
	DIR *d;

	if (priv_mkdirs(path, 0750) == -1) {
		snprintf(
		    err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (pu == NULL)
		return 0;
	if (chown(path, pu->uid, pu->gid) == -1) {
		snprintf(err, errlen, "cannot chown %s to %s: %s", path,
		    pu->name, strerror(errno));
		return -1;
	}
	if ((d = opendir(path)) == NULL) {
		snprintf(
		    err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Not recursive, and never through links: only our own files. */
		if (fchownat(dirfd(d), de->d_name, pu->uid, pu->gid,
			AT_SYMLINK_NOFOLLOW) == -1)
			log_warn("cannot chown %s/%s: %s", path, de->d_name,
			    strerror(errno));
	}
	closedir(d);
	return 0;
}

long long
priv_cap_eff(void)
{
	char line[256];
	long long eff = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "CapEff:", 7) == 0) {
			eff = strtoll(line + 7, NULL, 16);
			break;
		}
	fclose(fp);
	return eff;
}

int
priv_drop(const struct priv_user *pu, char *err, size_t errlen)
{
	long long eff;
	int rc;

	capng_clear(CAPNG_SELECT_ALL);
	if (pu != NULL)
		rc = capng_change_id((int)pu->uid, (int)pu->gid,
		    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
	else if (geteuid() == 0 ||
		 capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		rc = capng_apply(CAPNG_SELECT_ALL);
	else
		rc = 0;
	if (rc != 0) {
		snprintf(err, errlen,
		    "cannot drop privileges%s%s (libcap-ng "
		    "error %d)",
		    pu != NULL ? " to " : "", pu != NULL ? pu->name : "", rc);
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "cannot set no_new_privs: %s",
		    strerror(errno));
		return -1;
	}
	if ((eff = priv_cap_eff()) != 0) {
		snprintf(err, errlen,
		    "capabilities remain after the drop "
		    "(CapEff=%llx)",
		    eff);
		return -1;
	}
	if (pu != NULL && (getuid() != pu->uid || geteuid() != pu->uid ||
			      getegid() != pu->gid)) {
		snprintf(err, errlen, "still running as uid %d after the drop",
		    (int)geteuid());
		return -1;
	}
	return 0;
}
