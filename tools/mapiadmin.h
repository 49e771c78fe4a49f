/*
 * mapiadmin: the administration tool.  Commands are rows of one table
 * (mapiadmin.c); each handler lives in mapiadmin_<noun>.c.
 */
#ifndef MAPIADMIN_H
#define MAPIADMIN_H

#include <stdbool.h>

#include "directory.h"

/* Exit statuses. */
#define MA_EXIT_OK    0
#define MA_EXIT_FAIL  1 /* the operation failed (unknown user, duplicate ...) */
#define MA_EXIT_USAGE 2 /* the command line is wrong */

/* What a handler gets: the open directory, the positional arguments after
 * the command words, and the options. */
struct ma_ctx {
	struct directory *dir;
	const char *data_dir;
	const char **args;
	int arg_count;
	const char *name;     /* --name */
	const char *password; /* --password */
	bool no_password;     /* --no-password */
};

/* Handlers return an MA_EXIT_* status and print their own errors. */
typedef int ma_handler(struct ma_ctx *ctx);

ma_handler ma_org_show, ma_org_set_name;
ma_handler ma_domain_add, ma_domain_list, ma_domain_del;
ma_handler ma_user_add, ma_user_list, ma_user_show, ma_user_del, ma_user_passwd;
ma_handler ma_user_alias_add;
ma_handler ma_mailbox_create, ma_mailbox_info, ma_mailbox_check, ma_mailbox_backup;
ma_handler ma_mailbox_list, ma_mailbox_purge;

/* The mailbox side of user add / del (mapiadmin_mailbox.c).  create_for:
 * 0, or -1 with *error_r.  disconnect: prints what it did; 0 or -1. */
int ma_mailbox_create_for(const struct ma_ctx *ctx, const struct dir_user *user,
                          const char **error_r);
int ma_mailbox_disconnect(const struct ma_ctx *ctx, const struct mapi_guid *guid);

/* Prints "mapiadmin: <what>: <error>" on stderr; returns MA_EXIT_FAIL. */
int ma_fail(const char *what, const char *error);

/* The password for ADDRESS: --password, else a line of stdin when it is
 * not a terminal, else asked twice on the terminal without echo.  0 with
 * *password_r (talloc, on mem_ctx) or -1 after printing why. */
int ma_read_password(TALLOC_CTX *mem_ctx, const struct ma_ctx *ctx, char **password_r);

#endif
