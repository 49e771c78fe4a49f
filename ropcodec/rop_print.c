/*
 * rop_print: property values, restrictions and ROP headers as text; the
 * ROP bodies are walked field table by field table in rop_print_fields.c.
 */
#include "rop_print.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "mapi_guid.h"
#include "rop_errors.h"
#include "rop_print_priv.h"
#include "rule_actions.h"

void rop_printer_init(struct rop_printer *pr, TALLOC_CTX *mem_ctx)
{
	memset(pr, 0, sizeof(*pr));
	pr->mem_ctx = mem_ctx;
	pr->text = talloc_strdup(mem_ctx, "");
	pr->nomem = pr->text == NULL;
}

void rop_printf(struct rop_printer *pr, const char *fmt, ...)
{
	va_list ap;
	char *line, *text;

	if (pr->nomem)
		return;
	va_start(ap, fmt);
	line = talloc_vasprintf(pr->mem_ctx, fmt, ap);
	va_end(ap);
	if (line == NULL) {
		pr->nomem = true;
		return;
	}
	text = talloc_asprintf_append_buffer(pr->text, "%*s%s\n", (int)(2 * pr->depth), "", line);
	talloc_free(line);
	if (text == NULL) {
		pr->nomem = true;
		return;
	}
	pr->text = text;
}

void rop_print_hex(struct rop_printer *pr, const char *label, const uint8_t *data, size_t len)
{
	char line[16 * 3 + 1];

	rop_printf(pr, "%s: %zu bytes", label, len);
	pr->depth++;
	for (size_t i = 0; i < len; i += 16) {
		size_t n = len - i < 16 ? len - i : 16, o = 0;
		for (size_t j = 0; j < n; j++)
			o += (size_t)snprintf(line + o, sizeof(line) - o, j > 0 ? " %02x" : "%02x",
			                      data[i + j]);
		rop_printf(pr, "%04zx  %s", i, line);
	}
	pr->depth--;
}

static const struct {
	uint16_t id;
	const char *name;
} prop_names[] = {
#define PROPNAME(id, name) {id, "PidTag" #name},
#include "rop_propnames.def"
};

const char *rop_prop_name(uint32_t tag)
{
	size_t lo = 0, hi = sizeof(prop_names) / sizeof(prop_names[0]);
	uint16_t id = PROP_ID(tag);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (prop_names[mid].id == id)
			return prop_names[mid].name;
		if (prop_names[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *rop_ptype_name(uint16_t type)
{
	/* [MS-OXCDATA] 2.11.1 */
	switch (type & ~MV_INSTANCE) {
	case PT_UNSPECIFIED:
		return "PtypUnspecified";
	case PT_NULL:
		return "PtypNull";
	case PT_SHORT:
		return "PtypInteger16";
	case PT_LONG:
		return "PtypInteger32";
	case PT_FLOAT:
		return "PtypFloating32";
	case PT_DOUBLE:
		return "PtypFloating64";
	case PT_CURRENCY:
		return "PtypCurrency";
	case PT_APPTIME:
		return "PtypFloatingTime";
	case PT_ERROR:
		return "PtypErrorCode";
	case PT_BOOLEAN:
		return "PtypBoolean";
	case PT_OBJECT:
		return "PtypObject";
	case PT_I8:
		return "PtypInteger64";
	case PT_STRING8:
		return "PtypString8";
	case PT_UNICODE:
		return "PtypString";
	case PT_SYSTIME:
		return "PtypTime";
	case PT_CLSID:
		return "PtypGuid";
	case PT_SVREID:
		return "PtypServerId";
	case PT_SRESTRICTION:
		return "PtypRestriction";
	case PT_ACTIONS:
		return "PtypRuleAction";
	case PT_BINARY:
		return "PtypBinary";
	case PT_MV_SHORT:
		return "PtypMultipleInteger16";
	case PT_MV_LONG:
		return "PtypMultipleInteger32";
	case PT_MV_FLOAT:
		return "PtypMultipleFloating32";
	case PT_MV_DOUBLE:
		return "PtypMultipleFloating64";
	case PT_MV_CURRENCY:
		return "PtypMultipleCurrency";
	case PT_MV_APPTIME:
		return "PtypMultipleFloatingTime";
	case PT_MV_I8:
		return "PtypMultipleInteger64";
	case PT_MV_STRING8:
		return "PtypMultipleString8";
	case PT_MV_UNICODE:
		return "PtypMultipleString";
	case PT_MV_SYSTIME:
		return "PtypMultipleTime";
	case PT_MV_CLSID:
		return "PtypMultipleGuid";
	case PT_MV_BINARY:
		return "PtypMultipleBinary";
	default:
		return NULL;
	}
}

void rop_print_proptag(struct rop_printer *pr, const char *label, uint32_t tag)
{
	const char *name = rop_prop_name(tag), *type = rop_ptype_name(PROP_TYPE(tag));

	rop_printf(pr, "%s: 0x%08" PRIX32 "%s%s %s", label, tag, name != NULL ? " " : "",
	           name != NULL ? name : "", type != NULL ? type : "(unknown type)");
}

/* A string between quotes, bytes outside printable ASCII as \xNN (UTF-8
 * text stays readable as its bytes). */
static char *quote(TALLOC_CTX *ctx, const char *s)
{
	char *q;
	size_t o = 0, n;

	if (s == NULL)
		return talloc_strdup(ctx, "(null)");
	n = strlen(s);
	q = talloc_array(ctx, char, 4 * n + 3);
	if (q == NULL)
		return NULL;
	q[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			q[o++] = '\\';
			q[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7F) {
			q[o++] = (char)c;
		} else {
			o += (size_t)snprintf(q + o, 5, "\\x%02x", c);
		}
	}
	q[o++] = '"';
	q[o] = 0;
	return q;
}

void rop_print_string(struct rop_printer *pr, const char *label, const char *s)
{
	char *q = quote(pr->mem_ctx, s);

	if (q == NULL) {
		pr->nomem = true;
		return;
	}
	rop_printf(pr, "%s: %s", label, q);
	talloc_free(q);
}

void rop_print_guid(struct rop_printer *pr, const char *label, const struct mapi_guid *g)
{
	char text[MAPI_GUID_TEXT_SIZE];

	mapi_guid_format(g, text);
	rop_printf(pr, "%s: {%s}", label, text);
}

void rop_print_error_code(struct rop_printer *pr, const char *label, uint32_t ec)
{
	const char *name = rop_error_name(ec);

	rop_printf(pr, "%s: 0x%08" PRIX32 "%s%s", label, ec, name != NULL ? " " : "",
	           name != NULL ? name : "");
}

/* FILETIME as UTC when it is a plausible date. */
static void print_filetime(struct rop_printer *pr, const char *label, uint64_t ft)
{
	/* 100 ns intervals between 1601-01-01 and 1970-01-01 */
	const uint64_t epoch = 116444736000000000ull;
	struct tm tm;
	time_t t;

	if (ft >= epoch && ft - epoch < 253402300799ull * 10000000ull) {
		t = (time_t)((ft - epoch) / 10000000u);
		if (gmtime_r(&t, &tm) != NULL) {
			rop_printf(pr,
			           "%s: %04d-%02d-%02dT%02d:%02d:%02d.%07" PRIu64 "Z (0x%016" PRIX64
			           ")",
			           label, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			           tm.tm_min, tm.tm_sec, (ft - epoch) % 10000000u, ft);
			return;
		}
	}
	rop_printf(pr, "%s: 0x%016" PRIX64, label, ft);
}

static void print_actions(struct rop_printer *pr, const struct mapi_rule_actions *a)
{
	static const char *const names[] = {NULL,        "OP_MOVE",      "OP_COPY",
	                                    "OP_REPLY",  "OP_OOF_REPLY", "OP_DEFER_ACTION",
	                                    "OP_BOUNCE", "OP_FORWARD",   "OP_DELEGATE",
	                                    "OP_TAG",    "OP_DELETE",    "OP_MARK_AS_READ"};

	if (a == NULL)
		return;
	rop_printf(pr, "NoOfActions: %" PRIu32, a->count);
	for (uint32_t i = 0; i < a->count; i++) {
		const struct rule_action_block *b = &a->blocks[i];
		const char *n = b->type < sizeof(names) / sizeof(names[0]) ? names[b->type] : NULL;
		rop_printf(pr,
		           "[%" PRIu32 "] ActionType 0x%02X %s ActionFlavor 0x%08" PRIX32
		           " ActionFlags 0x%08" PRIX32,
		           i, b->type, n != NULL ? n : "(unknown)", b->flavor, b->flags);
		pr->depth++;
		if (b->type == OP_TAG)
			rop_print_propval(pr, "tag", &b->u.tag);
		else if (b->type == OP_BOUNCE)
			rop_printf(pr, "BounceCode: 0x%08" PRIX32, b->u.bounce_code);
		else if (b->type == OP_FORWARD || b->type == OP_DELEGATE)
			for (uint32_t r = 0; r < b->u.fwd.count; r++)
				for (uint32_t k = 0; k < b->u.fwd.recipients[r].props.count; k++)
					rop_print_propval(pr, "recipient",
					                  &b->u.fwd.recipients[r].props.vals[k]);
		else if (b->type == OP_MOVE || b->type == OP_COPY) {
			rop_print_hex(pr, "StoreEID", b->u.move_copy.store_eid.data,
			              b->u.move_copy.store_eid.len);
			rop_print_hex(pr, "FolderEID", b->u.move_copy.folder_eid.data,
			              b->u.move_copy.folder_eid.len);
		} else if (b->type == OP_DEFER_ACTION)
			rop_print_hex(pr, "DeferredActionData", b->u.defer.data, b->u.defer.len);
		pr->depth--;
	}
}

/* One element of a multi-valued property, or a single value, of base
 * type t; i indexes the MV array (ignored for single values). */
static void print_scalar(struct rop_printer *pr, const char *label, uint16_t t,
                         const struct mapi_propval *v, bool mv, uint32_t i)
{
	switch (t) {
	case PT_SHORT:
		rop_printf(pr, "%s: %d", label, mv ? v->v.mv.i16[i] : v->v.i16);
		break;
	case PT_LONG: {
		int32_t x = mv ? v->v.mv.i32[i] : v->v.i32;
		rop_printf(pr, "%s: %" PRId32 " (0x%08" PRIX32 ")", label, x, (uint32_t)x);
		break;
	}
	case PT_FLOAT:
		rop_printf(pr, "%s: %g", label, (double)(mv ? v->v.mv.f32[i] : v->v.f32));
		break;
	case PT_DOUBLE:
	case PT_APPTIME:
		rop_printf(pr, "%s: %g", label, mv ? v->v.mv.f64[i] : v->v.f64);
		break;
	case PT_CURRENCY:
	case PT_I8: {
		int64_t x = mv ? v->v.mv.i64[i] : v->v.i64;
		rop_printf(pr, "%s: %" PRId64 " (0x%016" PRIX64 ")", label, x, (uint64_t)x);
		break;
	}
	case PT_SYSTIME:
		print_filetime(pr, label, mv ? v->v.mv.ft[i] : v->v.ft);
		break;
	case PT_STRING8:
	case PT_UNICODE:
		rop_print_string(pr, label, mv ? v->v.mv.str[i] : v->v.str);
		break;
	case PT_CLSID:
		if (mv)
			rop_print_guid(pr, label, &v->v.mv.guid[i]);
		else if (v->v.guid != NULL)
			rop_print_guid(pr, label, v->v.guid);
		break;
	case PT_BINARY:
	case PT_SVREID:
	case PT_OBJECT: {
		const struct mapi_binary *b = mv ? &v->v.mv.bin[i] : &v->v.bin;
		rop_print_hex(pr, label, b->data, b->len);
		break;
	}
	default:
		rop_printf(pr, "%s: (type 0x%04X not printable)", label, t);
		break;
	}
}

void rop_print_propval(struct rop_printer *pr, const char *label, const struct mapi_propval *v)
{
	uint16_t t = PROP_TYPE(v->tag);

	/* [MS-OXCDATA] 2.11.1.2: a multivalue instance is one value of the
	 * base type (as rop_propval.c decodes it) */
	if ((t & MV_INSTANCE) != 0)
		t &= (uint16_t) ~(MV_INSTANCE | MV_FLAG);

	rop_print_proptag(pr, label, v->tag);
	pr->depth++;
	if ((t & MV_FLAG) != 0) {
		rop_printf(pr, "count: %" PRIu32, v->v.mv.count);
		for (uint32_t i = 0; i < v->v.mv.count; i++) {
			char idx[16];
			snprintf(idx, sizeof(idx), "[%" PRIu32 "]", i);
			print_scalar(pr, idx, t & ~MV_FLAG, v, true, i);
		}
	} else if (t == PT_NULL) {
		rop_printf(pr, "value: (none)");
	} else if (t == PT_ERROR) {
		rop_print_error_code(pr, "value", v->v.err);
	} else if (t == PT_BOOLEAN) {
		rop_printf(pr, "value: %s", v->v.b ? "true" : "false");
	} else if (t == PT_SRESTRICTION) {
		rop_print_restriction(pr, "value", v->v.res);
	} else if (t == PT_ACTIONS) {
		print_actions(pr, v->v.actions);
	} else {
		print_scalar(pr, "value", t, v, false, 0);
	}
	pr->depth--;
}

static const char *relop_name(uint32_t op)
{
	/* [MS-OXCDATA] 2.12.5.1 */
	switch (op) {
	case RELOP_LT:
		return "RELOP_LT";
	case RELOP_LE:
		return "RELOP_LE";
	case RELOP_GT:
		return "RELOP_GT";
	case RELOP_GE:
		return "RELOP_GE";
	case RELOP_EQ:
		return "RELOP_EQ";
	case RELOP_NE:
		return "RELOP_NE";
	case RELOP_RE:
		return "RELOP_RE";
	case RELOP_MEMBER_OF_DL:
		return "RELOP_MEMBER_OF_DL";
	default:
		return "(unknown)";
	}
}

static void print_res_leaf(struct rop_printer *pr, const struct mapi_restriction *r)
{
	switch (r->rt) {
	case RES_CONTENT:
		rop_printf(pr, "ContentRestriction FuzzyLevel 0x%08" PRIX32,
		           r->u.content.fuzzy_level);
		rop_print_proptag(pr, "PropTag", r->u.content.proptag);
		rop_print_propval(pr, "TaggedValue", &r->u.content.val);
		break;
	case RES_PROPERTY:
		rop_printf(pr, "PropertyRestriction RelOp %s", relop_name(r->u.prop.relop));
		rop_print_proptag(pr, "PropTag", r->u.prop.proptag);
		rop_print_propval(pr, "TaggedValue", &r->u.prop.val);
		break;
	case RES_COMPAREPROPS:
		rop_printf(pr, "ComparePropertiesRestriction RelOp %s",
		           relop_name(r->u.compare.relop));
		rop_print_proptag(pr, "PropTag1", r->u.compare.proptag1);
		rop_print_proptag(pr, "PropTag2", r->u.compare.proptag2);
		break;
	case RES_BITMASK:
		rop_printf(pr, "BitMaskRestriction %s Mask 0x%08" PRIX32,
		           r->u.bitmask.relop == BMR_EQZ ? "BMR_EQZ" : "BMR_NEZ",
		           r->u.bitmask.mask);
		rop_print_proptag(pr, "PropTag", r->u.bitmask.proptag);
		break;
	case RES_SIZE:
		rop_printf(pr, "SizeRestriction RelOp %s Size %" PRIu32,
		           relop_name(r->u.size.relop), r->u.size.size);
		rop_print_proptag(pr, "PropTag", r->u.size.proptag);
		break;
	default: /* RES_EXIST */
		rop_printf(pr, "ExistRestriction");
		rop_print_proptag(pr, "PropTag", r->u.exist.proptag);
		break;
	}
}

void rop_print_restriction(struct rop_printer *pr, const char *label,
                           const struct mapi_restriction *r)
{
	if (r == NULL) {
		rop_printf(pr, "%s: (none)", label);
		return;
	}
	rop_printf(pr, "%s:", label);
	pr->depth++;
	switch (r->rt) {
	case RES_AND:
	case RES_OR:
		rop_printf(pr, "%s RestrictCount %" PRIu32,
		           r->rt == RES_AND ? "AndRestriction" : "OrRestriction", r->u.andor.count);
		for (uint32_t i = 0; i < r->u.andor.count; i++)
			rop_print_restriction(pr, "Restriction", &r->u.andor.res[i]);
		break;
	case RES_NOT:
		rop_printf(pr, "NotRestriction");
		rop_print_restriction(pr, "Restriction", r->u.not_.res);
		break;
	case RES_SUBRESTRICTION:
		rop_printf(pr, "SubObjectRestriction");
		rop_print_proptag(pr, "Subobject", r->u.sub.subobject);
		rop_print_restriction(pr, "Restriction", r->u.sub.res);
		break;
	case RES_COMMENT:
		rop_printf(pr, "CommentRestriction TaggedValuesCount %" PRIu32, r->u.comment.count);
		for (uint32_t i = 0; i < r->u.comment.count; i++)
			rop_print_propval(pr, "TaggedValue", &r->u.comment.vals[i]);
		rop_print_restriction(pr, "Restriction", r->u.comment.res);
		break;
	case RES_COUNT:
		rop_printf(pr, "CountRestriction Count %" PRIu32, r->u.count.count);
		rop_print_restriction(pr, "SubRestriction", r->u.count.res);
		break;
	default:
		print_res_leaf(pr, r);
		break;
	}
	pr->depth--;
}

/* The header names its handle indexes by the ROP's flags. */
void rop_print_request(struct rop_printer *pr, const struct rop_request *req)
{
	const struct rop_info *info = rop_info_by_id(req->rop_id);

	if (info == NULL) {
		rop_printf(pr, "RopId 0x%02X (undefined)", req->rop_id);
		return;
	}
	rop_printf(pr, "%s (0x%02X) request", info->name, req->rop_id);
	pr->depth++;
	rop_printf(pr, "LogonId: %u", req->logon_id);
	if ((info->flags & ROPF_LOGON) != 0) {
		rop_printf(pr, "OutputHandleIndex: %u", req->output_handle);
	} else if ((info->flags & ROPF_RESPH) != 0) {
		rop_printf(pr, "ResponseHandleIndex: %u", req->response_handle);
		rop_printf(pr, "InputHandleIndex: %u", req->input_handle);
	} else if ((info->flags & ROPF_SRCDST) != 0) {
		rop_printf(pr, "SourceHandleIndex: %u", req->input_handle);
		rop_printf(pr, "DestHandleIndex: %u", req->dest_handle);
	} else {
		rop_printf(pr, "InputHandleIndex: %u", req->input_handle);
		if ((info->flags & ROPF_OUT) != 0)
			rop_printf(pr, "OutputHandleIndex: %u", req->output_handle);
	}
	rop_print_fields(pr, info->codec->req, &req->u);
	pr->depth--;
}

void rop_print_response(struct rop_printer *pr, const struct rop_response *resp)
{
	const struct rop_info *info = rop_info_by_id(resp->rop_id);
	const struct rop_codec *c;
	const char *hname = "InputHandleIndex";

	if (info == NULL) {
		rop_printf(pr, "RopId 0x%02X (undefined)", resp->rop_id);
		return;
	}
	c = info->codec;
	rop_printf(pr, "%s (0x%02X) response", info->name, resp->rop_id);
	pr->depth++;
	if ((info->flags & ROPF_RAW_RESP) != 0) {
		rop_print_fields(pr, c->resp, &resp->u);
		pr->depth--;
		return;
	}
	if ((info->flags & (ROPF_OUT | ROPF_LOGON)) != 0)
		hname = "OutputHandleIndex";
	else if ((info->flags & ROPF_RESPH) != 0)
		hname = "ResponseHandleIndex";
	else if ((info->flags & ROPF_SRCDST) != 0)
		hname = "SourceHandleIndex";
	rop_printf(pr, "%s: %u", hname, resp->handle_index);
	rop_print_error_code(pr, "ReturnValue", resp->return_value);
	rop_print_fields(pr, rop_codec_resp_fields(c, resp->return_value), &resp->u);
	pr->depth--;
}
