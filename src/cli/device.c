// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening the device and reaching a buffer, with the messages a user needs
 * when either fails.
 */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

/* --device, else $CMAMEM_DEVICE, else /dev/cma_mem: resolved here rather
 * than in the library so the message can name the path. */
static const char *device_path(const struct cli *cli)
{
	const char *env;

	if (cli->device)
		return cli->device;
	env = getenv(CMAMEM_DEVICE_ENV);
	return env && *env ? env : CMAMEM_DEFAULT_DEVICE;
}

int cli_open(const struct cli *cli, struct cmamem **devp)
{
	const char *path = device_path(cli);
	int ret = cmamem_open(path, devp);

	if (!ret)
		return 0;
	return explain_open(ret, path);
}

int buf_fail(int err, const struct buf_ref *ref)
{
	if (err == -ENOENT || err == ENOENT) {
		if (ref->has_owner)
			cli_err("no buffer named '%s' of uid %u (as root, cmamem list --all shows every user's)",
				ref->name, ref->owner);
		else if (ref->name)
			cli_err("no buffer named '%s' (cmamem list shows yours)",
				ref->name);
		else
			cli_err("no buffer %u (cmamem list shows yours)", ref->id);
		return EXIT_NOTFOUND;
	}
	return ref->name ? cli_fail(err, "buffer '%s'", ref->text) :
			   cli_fail(err, "buffer %u", ref->id);
}

/*
 * Take a handle to a persistent buffer, by id, name or UID:NAME. The handle
 * lasts until the device is closed, which is what lets us map the buffer.
 */
int cli_attach(struct cmamem *dev, const struct buf_ref *ref,
	       struct cmamem_info *info)
{
	int ret;

	if (ref->has_owner)
		ret = cmamem_attach_owned(dev, ref->owner, ref->name, info);
	else if (ref->name)
		ret = cmamem_attach_name(dev, ref->name, info);
	else
		ret = cmamem_attach(dev, ref->id, info);
	if (!ret)
		return 0;
	/* The arguments were checked: EINVAL means a non-persistent buffer,
	 * which only the process that made it can reach. */
	if (ret == -EINVAL)
		return ref->name ?
			cli_fail(ret, "buffer '%s' is not persistent", ref->text) :
			cli_fail(ret, "buffer %u is not persistent", ref->id);
	return buf_fail(ret, ref);
}
