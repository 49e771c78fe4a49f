/*
 * mapiadmin user commands.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mapiadmin.h"

/* Creates the new user's mailbox in the store.  The store's
 * store_mailbox_create() is wired in here when it lands; until then there
 * is nothing to create.  Returns 0, or -1 with *error_r. */
static int mailbox_create(const char *data_dir, const struct dir_user *user, const char **error_r)
{
	(void)data_dir;
	(void)user;
	(void)error_r;
	return 0;
}

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
	if (mailbox_create(ctx->data_dir, user, &error) < 0) {
		ret =
		    ma_fail("user add: the user is in the directory but its mailbox is not", error);
		goto out;
	}
	printf("user %s added (id %u)\n", user->address, user->id);
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
	const uint8_t *b;
	int found = directory_user_by_address(ctx->dir, tmp, ctx->args[0], &u, &error);

	if (found <= 0) {
		talloc_free(tmp);
		return ma_fail(ctx->args[0], found == 0 ? "not found: no such user" : error);
	}
	b = u->mailbox_guid.b;
	printf("address: %s\ndisplay-name: %s\n", u->address, u->display_name);
	printf("aliases:");
	for (unsigned i = 0; i < u->alias_count; i++)
		printf(" %s", u->aliases[i]);
	printf("\nid: %u\n", u->id);
	printf(
	    "mailbox-guid: %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
	    b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
	    b[14], b[15]);
	printf("legacy-dn: %s\n", u->legacy_dn);
	talloc_free(tmp);
	return MA_EXIT_OK;
}

int ma_user_del(struct ma_ctx *ctx)
{
	const char *error;

	if (directory_user_del(ctx->dir, ctx->args[0], &error) < 0)
		return ma_fail("user del", error);
	printf("user %s deleted\n", ctx->args[0]);
	return MA_EXIT_OK;
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
