/*
 * The context-dependent row fields of the rop_field interpreter: the
 * PropertyRows whose columns come from outside the body (RopSetColumns'
 * columns, the tags of the RopGetPropertiesSpecific request answered, the
 * fixed columns of RopGetReceiveFolderTable).
 */
#include "rop_fields_rows.h"

#include "rop.h"

/* Through void *: the offsets come from offsetof, so the field is aligned. */
#define AT(base, ofs, type)  ((type *)(void *)((char *)(base) + (ofs)))
#define CAT(base, ofs, type) ((const type *)(const void *)((const char *)(base) + (ofs)))

/* [MS-OXCSTOR] 2.2.1.4 */
static const uint32_t rft_tags[] = {
    PROP_TAG(PT_I8, 0x6748),      /* PidTagFolderId */
    PROP_TAG(PT_STRING8, 0x001A), /* PidTagMessageClass */
    PROP_TAG(PT_SYSTIME, 0x3008), /* PidTagLastModificationTime */
};
const struct mapi_proptag_array rop_receive_folder_table_columns = {3, (uint32_t *)rft_tags};

static const struct mapi_proptag_array *row_columns(uint8_t kind, const struct rop_field_env *env)
{
	if (kind == FK_ROWS32_RFT)
		return &rop_receive_folder_table_columns;
	if (kind == FK_ROW_REQTAGS)
		return env != NULL && env->req != NULL &&
		               env->req->rop_id == ROP_ID_GetPropertiesSpecific
		           ? &env->req->u.get_properties_specific.tags
		           : NULL;
	return env != NULL ? env->columns : NULL;
}

enum rop_err rop_fields_pull_rows(struct rop_pull *p, const struct rop_field *f, void *base,
                                  const struct rop_field_env *env)
{
	const struct mapi_proptag_array *cols = row_columns(f->kind, env);
	struct rop_row_list *l;
	uint16_t n16;

	if (cols == NULL)
		return ROP_E_UNSUPPORTED; /* the context the rows need is missing */
	if (f->kind == FK_ROW_REQTAGS || f->kind == FK_ROW_CTX)
		return rop_pull_property_row(p, cols, ROP_COUNT_WIDTH_ROP,
		                             AT(base, f->ofs, struct rop_property_row));
	l = AT(base, f->ofs, struct rop_row_list);
	if (f->kind == FK_ROWS16_CTX) {
		ROP_CHECK(rop_pull_u16(p, &n16));
		l->count = n16;
	} else {
		ROP_CHECK(rop_pull_u32(p, &l->count));
	}
	return rop_pull_property_rows(p, cols, ROP_COUNT_WIDTH_ROP, l->count, &l->rows);
}

enum rop_err rop_fields_push_rows(struct rop_push *p, const struct rop_field *f, const void *base,
                                  const struct rop_field_env *env)
{
	const struct mapi_proptag_array *cols = row_columns(f->kind, env);
	const struct rop_row_list *l;

	if (cols == NULL)
		return ROP_E_UNSUPPORTED;
	if (f->kind == FK_ROW_REQTAGS || f->kind == FK_ROW_CTX)
		return rop_push_property_row(p, cols, ROP_COUNT_WIDTH_ROP,
		                             CAT(base, f->ofs, struct rop_property_row));
	l = CAT(base, f->ofs, struct rop_row_list);
	if (f->kind == FK_ROWS16_CTX) {
		if (l->count > UINT16_MAX)
			return ROP_E_TOO_BIG;
		ROP_CHECK(rop_push_u16(p, (uint16_t)l->count));
	} else {
		ROP_CHECK(rop_push_u32(p, l->count));
	}
	for (uint32_t i = 0; i < l->count; i++)
		ROP_CHECK(rop_push_property_row(p, cols, ROP_COUNT_WIDTH_ROP, &l->rows[i]));
	return ROP_OK;
}
