/*
 * mapiadmin user commands.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mapiadmin.h"
#include "mapi_guid.h"

static void wipe(char *password)
{
	if (password != NULL)
		OPENSSL_cleanse(password, strlen(password));
}

int ma_user_add(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *user;
	char *password = NULL;
	const char *error;
	char guid[MAPI_GUID_TEXT_SIZE];
	int ret = MA_EXIT_FAIL;

	if (ctx->name == NULL) {
		fprintf(stderr, "mapiadmin: user add: --name \"Display Name\" is required\n");
		ret = MA_EXIT_USAGE;
		goto out;
	}
	if (!ctx->no_password && ma_read_password(tmp, ctx, &password) < 0)
		goto out;
	if (directory_user_add(ctx->dir, tmp, ctx->args[0], ctx->name, password, &user, &error) <
	    0) {
		ret = ma_fail("user add", error);
		goto out;
	}
	/* The mailbox comes with the user, as Exchange's New-Mailbox makes
	 * both: a user without one could log on to nothing.  When it cannot
	 * be made, the user is taken out again so that add is all or none. */
	error = NULL;
	if (ma_mailbox_create_for(ctx, user, &error) < 0) {
		const char *undo_error;
		ret = ma_fail("user add: mailbox", error);
		if (directory_user_del(ctx->dir, user->address, &undo_error) < 0)
			ma_fail("user add: the user is in the directory without a mailbox",
			        undo_error);
		goto out;
	}
	mapi_guid_format(&user->mailbox_guid, guid);
	printf("user %s added (id %u)\nmailbox %s created\n", user->address, user->id, guid);
	ret = MA_EXIT_OK;
out:
	wipe(password);
	talloc_free(tmp);
	return ret;
}

static int print_user_line(const struct dir_user *user, void *ctx)
{
	(void)ctx;
	printf("%s\t%s\n", user->address, user->display_name);
	return 0;
}

int ma_user_list(struct ma_ctx *ctx)
{
	const char *error;

	if (directory_foreach_user(ctx->dir, print_user_line, NULL, &error) < 0)
		return ma_fail("user list", error);
	return MA_EXIT_OK;
}

int ma_user_show(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *u;
	const char *error = "no such user";
	char guid[MAPI_GUID_TEXT_SIZE];
	int found = directory_user_by_address(ctx->dir, tmp, ctx->args[0], &u, &error);

	if (found <= 0) {
		talloc_free(tmp);
		return ma_fail(ctx->args[0], found == 0 ? "not found: no such user" : error);
	}
	printf("address: %s\ndisplay-name: %s\n", u->address, u->display_name);
	printf("aliases:");
	for (unsigned i = 0; i < u->alias_count; i++)
		printf(" %s", u->aliases[i]);
	printf("\nid: %u\n", u->id);
	mapi_guid_format(&u->mailbox_guid, guid);
	printf("mailbox-guid: %s\n", guid);
	printf("legacy-dn: %s\n", u->legacy_dn);
	talloc_free(tmp);
	return MA_EXIT_OK;
}

/* Deleting a user disconnects its mailbox rather than destroying it, as
 * Exchange's Remove-Mailbox does (the mailbox is kept for the deleted-
 * mailbox retention period, 30 days by default, and can be exported or
 * reconnected until purged).  Here it is kept until "mailbox purge GUID";
 * "mailbox list" shows it as disconnected. */
int ma_user_del(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *u;
	const char *error = "no such user";
	int ret = MA_EXIT_FAIL;
	int found = directory_user_by_address(ctx->dir, tmp, ctx->args[0], &u, &error);

	if (found <= 0) {
		ret = ma_fail("user del", found == 0 ? "not found: no such user" : error);
		goto out;
	}
	/* By its address only: an alias names the user but does not delete it. */
	if (directory_user_del(ctx->dir, ctx->args[0], &error) < 0) {
		ret = ma_fail("user del", error);
		goto out;
	}
	printf("user %s deleted\n", u->address);
	ret = ma_mailbox_disconnect(ctx, &u->mailbox_guid) < 0 ? MA_EXIT_FAIL : MA_EXIT_OK;
out:
	talloc_free(tmp);
	return ret;
}

int ma_user_passwd(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_user *user;
	char *password = NULL;
	const char *error = "no such user";
	int ret = MA_EXIT_FAIL;
	int found = directory_user_by_address(ctx->dir, tmp, ctx->args[0], &user, &error);

	/* Check the user first, so nobody types a password for nothing. */
	if (found <= 0) {
		ret = ma_fail("user passwd", found == 0 ? "not found: no such user" : error);
		goto out;
	}
	if (ma_read_password(tmp, ctx, &password) < 0)
		goto out;
	if (directory_user_set_password(ctx->dir, ctx->args[0], password, &error) < 0) {
		ret = ma_fail("user passwd", error);
		goto out;
	}
	printf("password of %s changed\n", user->address);
	ret = MA_EXIT_OK;
out:
	wipe(password);
	talloc_free(tmp);
	return ret;
}

int ma_user_alias_add(struct ma_ctx *ctx)
{
	const char *error;

	if (directory_user_add_alias(ctx->dir, ctx->args[0], ctx->args[1], &error) < 0)
		return ma_fail("user alias add", error);
	printf("alias %s added to %s\n", ctx->args[1], ctx->args[0]);
	return MA_EXIT_OK;
}
