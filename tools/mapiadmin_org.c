/*
 * mapiadmin org and domain commands.
 */
#include <stdio.h>

#include "mapiadmin.h"
#include "mapi_guid.h"

int ma_org_show(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct dir_org *org;
	const char *error;
	char dep[MAPI_GUID_TEXT_SIZE];
	int ret = MA_EXIT_OK;

	if (directory_get_org(ctx->dir, tmp, &org, &error) < 0) {
		ret = ma_fail("org show", error);
	} else {
		mapi_guid_format(&org->deployment_id, dep);
		printf("name: %s\ndeployment-id: %s\n", org->name, dep);
	}
	talloc_free(tmp);
	return ret;
}

int ma_org_set_name(struct ma_ctx *ctx)
{
	const char *error;

	if (directory_set_org_name(ctx->dir, ctx->args[0], &error) < 0)
		return ma_fail("org set-name", error);
	printf("organisation name set to %s\n", ctx->args[0]);
	return MA_EXIT_OK;
}

int ma_domain_add(struct ma_ctx *ctx)
{
	const char *error;

	if (directory_domain_add(ctx->dir, ctx->args[0], &error) < 0)
		return ma_fail("domain add", error);
	printf("domain %s added\n", ctx->args[0]);
	return MA_EXIT_OK;
}

int ma_domain_list(struct ma_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *error;
	unsigned count;
	char **domains;
	int ret = MA_EXIT_OK;

	if (directory_domain_list(ctx->dir, tmp, &domains, &count, &error) < 0)
		ret = ma_fail("domain list", error);
	for (unsigned i = 0; ret == MA_EXIT_OK && i < count; i++)
		printf("%s\n", domains[i]);
	talloc_free(tmp);
	return ret;
}

int ma_domain_del(struct ma_ctx *ctx)
{
	const char *error;

	if (directory_domain_del(ctx->dir, ctx->args[0], &error) < 0)
		return ma_fail("domain del", error);
	printf("domain %s deleted\n", ctx->args[0]);
	return MA_EXIT_OK;
}
