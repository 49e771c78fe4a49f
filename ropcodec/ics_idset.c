#include "ics_idset.h"

#include <stdlib.h>
#include <string.h>

/* GLOBSET commands, [MS-OXCFXICS] 2.2.2.6.1-2.2.2.6.5. */
#define GLOBSET_END      0x00
#define GLOBSET_PUSH_MAX 0x06
#define GLOBSET_BITMASK  0x42
#define GLOBSET_POP      0x50
#define GLOBSET_RANGE    0x52
#define GLOBCNT_BYTES    6

/* Replicas a decoded IDSET may name: lookups are linear, and a mailbox has a
 * handful of replicas, so a larger count is hostile input. */
#define ICS_IDSET_MAX_REPLICAS 4096

/* ---- in-memory GLOBSET ---- */

struct ics_globset *ics_globset_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct ics_globset);
}

static enum rop_err globset_reserve(struct ics_globset *gs, uint32_t need)
{
	struct ics_range *n;
	uint32_t alloc;

	if (need <= gs->alloc)
		return ROP_OK;
	alloc = gs->alloc < 8 ? 8 : gs->alloc;
	while (alloc < need)
		alloc *= 2;
	n = talloc_realloc(gs, gs->ranges, struct ics_range, alloc);
	if (n == NULL)
		return ROP_E_NOMEM;
	gs->ranges = n;
	gs->alloc = alloc;
	return ROP_OK;
}

/* Index of the first range whose high is >= v. */
static uint32_t globset_lower_bound(const struct ics_globset *gs, uint64_t v)
{
	uint32_t lo = 0, hi = gs->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (gs->ranges[mid].high < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum rop_err ics_globset_add_range(struct ics_globset *gs, uint64_t low, uint64_t high)
{
	uint32_t first, last;

	if (low > high || high > ICS_GLOBCNT_MAX)
		return ROP_E_INVALID;
	/* The first range that touches or follows [low, high]: adjacent
	 * ranges merge, so look for high >= low - 1. */
	first = globset_lower_bound(gs, low == 0 ? 0 : low - 1);
	last = first;
	while (last < gs->count && gs->ranges[last].low <= high + 1)
		last++;
	if (last > first) {
		/* ranges[first, last) all overlap or touch: fold them in */
		if (gs->ranges[first].low < low)
			low = gs->ranges[first].low;
		if (gs->ranges[last - 1].high > high)
			high = gs->ranges[last - 1].high;
		gs->ranges[first].low = low;
		gs->ranges[first].high = high;
		memmove(&gs->ranges[first + 1], &gs->ranges[last],
		        (gs->count - last) * sizeof(gs->ranges[0]));
		gs->count -= last - first - 1;
		return ROP_OK;
	}
	ROP_CHECK(globset_reserve(gs, gs->count + 1));
	memmove(&gs->ranges[first + 1], &gs->ranges[first],
	        (gs->count - first) * sizeof(gs->ranges[0]));
	gs->ranges[first].low = low;
	gs->ranges[first].high = high;
	gs->count++;
	return ROP_OK;
}

enum rop_err ics_globset_add(struct ics_globset *gs, uint64_t globcnt)
{
	return ics_globset_add_range(gs, globcnt, globcnt);
}

enum rop_err ics_globset_remove_range(struct ics_globset *gs, uint64_t low, uint64_t high)
{
	uint32_t i;

	if (low > high)
		return ROP_E_INVALID;
	i = globset_lower_bound(gs, low);
	while (i < gs->count && gs->ranges[i].low <= high) {
		struct ics_range *r = &gs->ranges[i];
		if (r->low < low && r->high > high) {
			/* split in two */
			ROP_CHECK(globset_reserve(gs, gs->count + 1));
			r = &gs->ranges[i];
			memmove(&gs->ranges[i + 1], r, (gs->count - i) * sizeof(*r));
			gs->count++;
			gs->ranges[i].high = low - 1;
			gs->ranges[i + 1].low = high + 1;
			return ROP_OK;
		}
		if (r->low < low) {
			r->high = low - 1;
			i++;
		} else if (r->high > high) {
			r->low = high + 1;
			i++;
		} else {
			memmove(r, r + 1, (gs->count - i - 1) * sizeof(*r));
			gs->count--;
		}
	}
	return ROP_OK;
}

int ics_globset_contains(const struct ics_globset *gs, uint64_t globcnt)
{
	uint32_t i = globset_lower_bound(gs, globcnt);

	return i < gs->count && gs->ranges[i].low <= globcnt ? 1 : 0;
}

enum rop_err ics_globset_union(struct ics_globset *dst, const struct ics_globset *src)
{
	for (uint32_t i = 0; i < src->count; i++)
		ROP_CHECK(ics_globset_add_range(dst, src->ranges[i].low, src->ranges[i].high));
	return ROP_OK;
}

enum rop_err ics_globset_subtract(struct ics_globset *dst, const struct ics_globset *src)
{
	for (uint32_t i = 0; i < src->count && dst->count > 0; i++)
		ROP_CHECK(ics_globset_remove_range(dst, src->ranges[i].low, src->ranges[i].high));
	return ROP_OK;
}

uint64_t ics_globset_size(const struct ics_globset *gs)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < gs->count; i++)
		n += gs->ranges[i].high - gs->ranges[i].low + 1;
	return n;
}

/* ---- GLOBSET decoding, [MS-OXCFXICS] 3.1.5.4.3.2 ---- */

struct globset_stack {
	uint8_t bytes[GLOBCNT_BYTES]; /* the common byte stack, high order first */
	unsigned depth;
	unsigned push_sizes[GLOBCNT_BYTES];
	unsigned npush;
};

/* The GLOBCNT made of the stack's bytes followed by n low-order bytes. */
static uint64_t stack_globcnt(const struct globset_stack *st, const uint8_t *low, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < st->depth; i++)
		v = (v << 8) | st->bytes[i];
	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | low[i];
	return v;
}

static int range_cmp(const void *a, const void *b)
{
	const struct ics_range *ra = a, *rb = b;

	return ra->low < rb->low ? -1 : ra->low > rb->low ? 1 : 0;
}

/* Decoded ranges arrive in any order: sort once and coalesce. */
static void globset_normalise(struct ics_globset *gs)
{
	uint32_t out = 0;

	if (gs->count == 0)
		return;
	qsort(gs->ranges, gs->count, sizeof(gs->ranges[0]), range_cmp);
	for (uint32_t i = 1; i < gs->count; i++) {
		struct ics_range *last = &gs->ranges[out];
		if (gs->ranges[i].low <= last->high + 1) {
			if (gs->ranges[i].high > last->high)
				last->high = gs->ranges[i].high;
		} else {
			gs->ranges[++out] = gs->ranges[i];
		}
	}
	gs->count = out + 1;
}

static enum rop_err globset_append(struct ics_globset *gs, uint64_t low, uint64_t high)
{
	ROP_CHECK(globset_reserve(gs, gs->count + 1));
	gs->ranges[gs->count].low = low;
	gs->ranges[gs->count].high = high;
	gs->count++;
	return ROP_OK;
}

/* [MS-OXCFXICS] 3.1.5.4.3.2.1: Push; a push that fills the sixth byte is a
 * singleton GLOBCNT and leaves the stack as it was. */
static enum rop_err decode_push(struct rop_pull *p, struct globset_stack *st, unsigned n,
                                struct ics_globset *gs)
{
	const uint8_t *b;

	if (st->depth + n > GLOBCNT_BYTES)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_ref(p, n, &b));
	if (st->depth + n == GLOBCNT_BYTES) {
		uint64_t v = stack_globcnt(st, b, n);
		return globset_append(gs, v, v);
	}
	memcpy(st->bytes + st->depth, b, n);
	st->depth += n;
	st->push_sizes[st->npush++] = n;
	return ROP_OK;
}

/* [MS-OXCFXICS] 3.1.5.4.3.2.3: Bitmask, only with five bytes stacked; the
 * StartingValue is present, and bit i stands for StartingValue + i + 1. */
static enum rop_err decode_bitmask(struct rop_pull *p, struct globset_stack *st,
                                   struct ics_globset *gs)
{
	uint8_t start, mask;
	uint64_t base;

	if (st->depth != GLOBCNT_BYTES - 1)
		return ROP_E_INVALID;
	ROP_CHECK(rop_pull_u8(p, &start));
	ROP_CHECK(rop_pull_u8(p, &mask));
	base = stack_globcnt(st, &start, 1);
	ROP_CHECK(globset_append(gs, base, base));
	for (unsigned i = 0; i < 8; i++) {
		if ((mask & (1u << i)) == 0)
			continue;
		if ((unsigned)start + i + 1 > 0xFF)
			return ROP_E_INVALID; /* would carry into the stacked bytes */
		ROP_CHECK(globset_append(gs, base + i + 1, base + i + 1));
	}
	return ROP_OK;
}

/* [MS-OXCFXICS] 3.1.5.4.3.2.4: Range, low and high of 6 - depth bytes. */
static enum rop_err decode_range(struct rop_pull *p, struct globset_stack *st,
                                 struct ics_globset *gs)
{
	unsigned n = GLOBCNT_BYTES - st->depth;
	const uint8_t *lo, *hi;
	uint64_t low, high;

	ROP_CHECK(rop_pull_ref(p, n, &lo));
	ROP_CHECK(rop_pull_ref(p, n, &hi));
	low = stack_globcnt(st, lo, n);
	high = stack_globcnt(st, hi, n);
	if (low > high)
		return ROP_E_INVALID;
	return globset_append(gs, low, high);
}

static enum rop_err globset_decode(struct rop_pull *p, struct ics_globset *gs)
{
	struct globset_stack st = {0};
	uint8_t cmd;

	for (;;) {
		ROP_CHECK(rop_pull_u8(p, &cmd));
		if (cmd == GLOBSET_END)
			break; /* [MS-OXCFXICS] 2.2.2.6.5 */
		if (cmd <= GLOBSET_PUSH_MAX) {
			ROP_CHECK(decode_push(p, &st, cmd, gs));
		} else if (cmd == GLOBSET_POP) {
			/* [MS-OXCFXICS] 3.1.5.4.3.2.2 */
			if (st.npush == 0)
				return ROP_E_INVALID;
			st.depth -= st.push_sizes[--st.npush];
		} else if (cmd == GLOBSET_BITMASK) {
			ROP_CHECK(decode_bitmask(p, &st, gs));
		} else if (cmd == GLOBSET_RANGE) {
			ROP_CHECK(decode_range(p, &st, gs));
		} else {
			return ROP_E_INVALID;
		}
	}
	globset_normalise(gs);
	return ROP_OK;
}

enum rop_err ics_globset_pull(struct rop_pull *p, TALLOC_CTX *mem_ctx, struct ics_globset **gs_r)
{
	size_t start = p->ofs;
	struct ics_globset *gs = ics_globset_new(mem_ctx);
	enum rop_err err;

	if (gs == NULL)
		return ROP_E_NOMEM;
	err = globset_decode(p, gs);
	if (err != ROP_OK) {
		talloc_free(gs);
		p->ofs = start;
		return err;
	}
	*gs_r = gs;
	return ROP_OK;
}

/* ---- GLOBSET encoding, [MS-OXCFXICS] 3.1.5.4.3.1 ---- */

static uint8_t globcnt_byte(uint64_t v, unsigned i)
{
	return (uint8_t)(v >> (8 * (GLOBCNT_BYTES - 1 - i)));
}

/* Number of leading bytes a and b share (6 when equal). */
static unsigned common_bytes(uint64_t a, uint64_t b)
{
	unsigned n = 0;

	while (n < GLOBCNT_BYTES && globcnt_byte(a, n) == globcnt_byte(b, n))
		n++;
	return n;
}

/* Writes bytes [from, to) of v. */
static enum rop_err push_globcnt_bytes(struct rop_push *p, uint64_t v, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++)
		ROP_CHECK(rop_push_u8(p, globcnt_byte(v, i)));
	return ROP_OK;
}

/* 3.1.5.4.3.1.1 Push command: the bytes [depth, to) of v. */
static enum rop_err encode_push(struct rop_push *p, uint64_t v, unsigned depth, unsigned to)
{
	ROP_CHECK(rop_push_u8(p, (uint8_t)(to - depth)));
	return push_globcnt_bytes(p, v, depth, to);
}

/* One range with depth bytes already stacked. */
static enum rop_err encode_single(struct rop_push *p, const struct ics_range *r, unsigned depth)
{
	unsigned c = common_bytes(r->low, r->high);

	if (c == GLOBCNT_BYTES) /* a singleton: a Push of the remaining bytes */
		return encode_push(p, r->low, depth, GLOBCNT_BYTES);
	/* 3.1.5.4.3.1.4: shared high-order bytes SHOULD be pushed first */
	if (c > depth)
		ROP_CHECK(encode_push(p, r->low, depth, c));
	ROP_CHECK(rop_push_u8(p, GLOBSET_RANGE));
	ROP_CHECK(push_globcnt_bytes(p, r->low, c, GLOBCNT_BYTES));
	ROP_CHECK(push_globcnt_bytes(p, r->high, c, GLOBCNT_BYTES));
	if (c > depth)
		ROP_CHECK(rop_push_u8(p, GLOBSET_POP));
	return ROP_OK;
}

/* 3.1.5.4.3.1.3: ranges sharing five high-order bytes, all within eight
 * values of the first: one Bitmask with the StartingValue and a bit for
 * every later value present. */
static enum rop_err encode_bitmask(struct rop_push *p, const struct ics_range *r, uint32_t n)
{
	uint64_t start = r[0].low;
	uint8_t mask = 0;

	for (uint32_t i = 0; i < n; i++) {
		for (uint64_t v = r[i].low; v <= r[i].high; v++) {
			if (v != start)
				mask |= (uint8_t)(1u << (v - start - 1));
		}
	}
	ROP_CHECK(rop_push_u8(p, GLOBSET_BITMASK));
	ROP_CHECK(rop_push_u8(p, globcnt_byte(start, GLOBCNT_BYTES - 1)));
	return rop_push_u8(p, mask);
}

static enum rop_err encode_ranges(struct rop_push *p, const struct ics_range *r, uint32_t n,
                                  unsigned depth);

/* n >= 2 ranges that share bytes [0, depth] (one more than stacked): push
 * what they all share, encode them under it, pop. */
static enum rop_err encode_group(struct rop_push *p, const struct ics_range *r, uint32_t n,
                                 unsigned depth)
{
	unsigned c = common_bytes(r[0].low, r[n - 1].high);

	ROP_CHECK(encode_push(p, r[0].low, depth, c));
	ROP_CHECK(encode_ranges(p, r, n, c));
	return rop_push_u8(p, GLOBSET_POP);
}

/* Five bytes stacked: runs of ranges within eight values of their first
 * become one Bitmask (3 bytes for up to five ranges); a lone range stays a
 * singleton Push or a Range. */
static enum rop_err encode_low_bytes(struct rop_push *p, const struct ics_range *r, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		uint32_t j = i + 1;

		while (j < n && r[j].high - r[i].low <= 8)
			j++;
		if (j - i >= 2)
			ROP_CHECK(encode_bitmask(p, &r[i], j - i));
		else
			ROP_CHECK(encode_single(p, &r[i], GLOBCNT_BYTES - 1));
		i = j;
	}
	return ROP_OK;
}

/* Ranges sharing depth stacked bytes: those that also share the next byte
 * form a group encoded under a further Push; the rest go one by one. */
static enum rop_err encode_ranges(struct rop_push *p, const struct ics_range *r, uint32_t n,
                                  unsigned depth)
{
	uint32_t i = 0;

	if (depth == GLOBCNT_BYTES - 1)
		return encode_low_bytes(p, r, n);
	while (i < n) {
		uint8_t b = globcnt_byte(r[i].low, depth);
		uint32_t j = i + 1;

		if (globcnt_byte(r[i].high, depth) == b) {
			while (j < n && globcnt_byte(r[j].low, depth) == b &&
			       globcnt_byte(r[j].high, depth) == b)
				j++;
		}
		if (j - i == 1)
			ROP_CHECK(encode_single(p, &r[i], depth));
		else
			ROP_CHECK(encode_group(p, &r[i], j - i, depth));
		i = j;
	}
	return ROP_OK;
}

enum rop_err ics_globset_push(struct rop_push *p, const struct ics_globset *gs)
{
	size_t mark = rop_push_mark(p);
	enum rop_err err;

	for (uint32_t i = 0; i < gs->count; i++) {
		if (gs->ranges[i].low > gs->ranges[i].high ||
		    gs->ranges[i].high > ICS_GLOBCNT_MAX ||
		    (i > 0 && gs->ranges[i].low <= gs->ranges[i - 1].high))
			return ROP_E_INVALID;
	}
	err = encode_ranges(p, gs->ranges, gs->count, 0);
	if (err == ROP_OK)
		err = rop_push_u8(p, GLOBSET_END);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}

/* ---- IDSET, [MS-OXCFXICS] 2.2.2.4 ---- */

struct ics_idset *ics_idset_new(TALLOC_CTX *mem_ctx, bool by_guid)
{
	struct ics_idset *ids = talloc_zero(mem_ctx, struct ics_idset);

	if (ids != NULL)
		ids->by_guid = by_guid;
	return ids;
}

static bool entry_matches(const struct ics_idset *ids, const struct ics_idset_entry *e,
                          uint16_t replid, const struct mapi_guid *guid)
{
	if (ids->by_guid)
		return memcmp(e->guid.b, guid->b, sizeof(guid->b)) == 0;
	return e->replid == replid;
}

int ics_idset_lookup(struct ics_idset *ids, uint16_t replid, const struct mapi_guid *guid,
                     bool create, struct ics_globset **set_r)
{
	static const struct mapi_guid zero_guid;
	struct ics_idset_entry *n;

	if (guid == NULL)
		guid = &zero_guid;
	for (uint32_t i = 0; i < ids->count; i++) {
		if (entry_matches(ids, &ids->entries[i], replid, guid)) {
			*set_r = ids->entries[i].set;
			return 1;
		}
	}
	if (!create)
		return 0;
	n = talloc_realloc(ids, ids->entries, struct ics_idset_entry, ids->count + 1);
	if (n == NULL)
		return -1;
	ids->entries = n;
	n = &ids->entries[ids->count];
	memset(n, 0, sizeof(*n));
	n->replid = ids->by_guid ? 0 : replid;
	n->guid = ids->by_guid ? *guid : zero_guid;
	n->set = ics_globset_new(ids);
	if (n->set == NULL)
		return -1;
	ids->count++;
	*set_r = n->set;
	return 1;
}

/* The const lookup without creation. */
static const struct ics_globset *idset_find(const struct ics_idset *ids, uint16_t replid,
                                            const struct mapi_guid *guid)
{
	struct ics_globset *set;

	if (ics_idset_lookup((struct ics_idset *)ids, replid, guid, false, &set) == 1)
		return set;
	return NULL;
}

enum rop_err ics_idset_add_id(struct ics_idset *ids, uint64_t id)
{
	struct ics_globset *set;

	if (ids->by_guid)
		return ROP_E_INVALID;
	if (ics_idset_lookup(ids, MAPI_ID_REPLID(id), NULL, true, &set) < 0)
		return ROP_E_NOMEM;
	return ics_globset_add(set, MAPI_ID_GLOBCNT(id));
}

enum rop_err ics_idset_remove_id(struct ics_idset *ids, uint64_t id)
{
	struct ics_globset *set;
	uint64_t g = MAPI_ID_GLOBCNT(id);

	if (ids->by_guid)
		return ROP_E_INVALID;
	if (ics_idset_lookup(ids, MAPI_ID_REPLID(id), NULL, false, &set) != 1)
		return ROP_OK;
	return ics_globset_remove_range(set, g, g);
}

int ics_idset_contains_id(const struct ics_idset *ids, uint64_t id)
{
	const struct ics_globset *set;

	if (ids->by_guid)
		return 0;
	set = idset_find(ids, MAPI_ID_REPLID(id), NULL);
	return set != NULL ? ics_globset_contains(set, MAPI_ID_GLOBCNT(id)) : 0;
}

enum rop_err ics_idset_add_guid_range(struct ics_idset *ids, const struct mapi_guid *guid,
                                      uint64_t low, uint64_t high)
{
	struct ics_globset *set;

	if (!ids->by_guid)
		return ROP_E_INVALID;
	if (ics_idset_lookup(ids, 0, guid, true, &set) < 0)
		return ROP_E_NOMEM;
	return ics_globset_add_range(set, low, high);
}

int ics_idset_contains_guid(const struct ics_idset *ids, const struct mapi_guid *guid,
                            uint64_t globcnt)
{
	const struct ics_globset *set;

	if (!ids->by_guid)
		return 0;
	set = idset_find(ids, 0, guid);
	return set != NULL ? ics_globset_contains(set, globcnt) : 0;
}

enum rop_err ics_idset_union(struct ics_idset *dst, const struct ics_idset *src)
{
	if (dst->by_guid != src->by_guid)
		return ROP_E_INVALID;
	for (uint32_t i = 0; i < src->count; i++) {
		const struct ics_idset_entry *e = &src->entries[i];
		struct ics_globset *set;

		if (ics_idset_lookup(dst, e->replid, &e->guid, true, &set) < 0)
			return ROP_E_NOMEM;
		ROP_CHECK(ics_globset_union(set, e->set));
	}
	return ROP_OK;
}

enum rop_err ics_idset_subtract(struct ics_idset *dst, const struct ics_idset *src)
{
	if (dst->by_guid != src->by_guid)
		return ROP_E_INVALID;
	for (uint32_t i = 0; i < src->count; i++) {
		const struct ics_idset_entry *e = &src->entries[i];
		struct ics_globset *set;

		if (ics_idset_lookup(dst, e->replid, &e->guid, false, &set) == 1)
			ROP_CHECK(ics_globset_subtract(set, e->set));
	}
	return ROP_OK;
}

enum rop_err ics_idset_to_guid(TALLOC_CTX *mem_ctx, const struct ics_idset *ids,
                               ics_replid_map_fn *map, void *map_ctx, struct ics_idset **out_r)
{
	struct ics_idset *out;
	enum rop_err err = ROP_OK;

	if (ids->by_guid)
		return ROP_E_INVALID;
	out = ics_idset_new(mem_ctx, true);
	if (out == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < ids->count && err == ROP_OK; i++) {
		struct mapi_guid guid;
		struct ics_globset *set;
		int ret = map(map_ctx, ids->entries[i].replid, &guid);

		if (ret <= 0)
			err = ret == 0 ? ROP_E_INVALID : ROP_E_NOMEM;
		else if (ics_idset_lookup(out, 0, &guid, true, &set) < 0)
			err = ROP_E_NOMEM;
		else
			err = ics_globset_union(set, ids->entries[i].set);
	}
	if (err != ROP_OK) {
		talloc_free(out);
		return err;
	}
	*out_r = out;
	return ROP_OK;
}

/* [MS-OXCFXICS] 2.2.2.4.1 / 2.2.2.4.2: REPLID (2 bytes) or REPLGUID
 * (16 bytes), then a GLOBSET; repeated to the end of the value. */
static enum rop_err idset_decode(struct rop_pull *p, struct ics_idset *ids)
{
	while (rop_pull_left(p) > 0) {
		uint16_t replid = 0;
		struct mapi_guid guid = {{0}};
		struct ics_globset *gs, *set;
		int ret;

		if (ids->by_guid)
			ROP_CHECK(rop_pull_guid(p, &guid));
		else
			ROP_CHECK(rop_pull_u16(p, &replid));
		ROP_CHECK(ics_globset_pull(p, ids, &gs));
		ret = ics_idset_lookup(ids, replid, &guid, false, &set);
		if (ret != 1 && ids->count >= ICS_IDSET_MAX_REPLICAS)
			return ROP_E_TOO_BIG;
		if (ret == 1) {
			ROP_CHECK(ics_globset_union(set, gs));
			talloc_free(gs);
			continue;
		}
		if (ics_idset_lookup(ids, replid, &guid, true, &set) < 0)
			return ROP_E_NOMEM;
		/* adopt the decoded set in place of the new empty one */
		talloc_free(set);
		ids->entries[ids->count - 1].set = gs;
	}
	return ROP_OK;
}

enum rop_err ics_idset_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len, bool by_guid,
                            struct ics_idset **ids_r)
{
	struct ics_idset *ids = ics_idset_new(mem_ctx, by_guid);
	struct rop_pull p;
	enum rop_err err;

	if (ids == NULL)
		return ROP_E_NOMEM;
	rop_pull_init(&p, ids, data, len);
	err = idset_decode(&p, ids);
	if (err != ROP_OK) {
		talloc_free(ids);
		return err;
	}
	*ids_r = ids;
	return ROP_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct ics_idset_entry *ea = *(const struct ics_idset_entry *const *)a;
	const struct ics_idset_entry *eb = *(const struct ics_idset_entry *const *)b;
	int c = memcmp(ea->guid.b, eb->guid.b, sizeof(ea->guid.b));

	if (c != 0)
		return c;
	return ea->replid < eb->replid ? -1 : ea->replid > eb->replid ? 1 : 0;
}

/* [MS-OXCFXICS] 2.2.2.4.2: REPLGUID-GLOBSET pairs MUST be serialised in
 * ascending byte order of the REPLGUID; REPLID-based sets are written in
 * ascending REPLID order too, so equal sets encode to equal bytes. */
enum rop_err ics_idset_push(struct rop_push *p, const struct ics_idset *ids)
{
	size_t mark = rop_push_mark(p);
	const struct ics_idset_entry **order;
	enum rop_err err = ROP_OK;

	if (ids->count == 0)
		return ROP_OK;
	order = talloc_array(NULL, const struct ics_idset_entry *, ids->count);
	if (order == NULL)
		return ROP_E_NOMEM;
	for (uint32_t i = 0; i < ids->count; i++)
		order[i] = &ids->entries[i];
	qsort(order, ids->count, sizeof(order[0]), entry_cmp);
	for (uint32_t i = 0; i < ids->count && err == ROP_OK; i++) {
		const struct ics_idset_entry *e = order[i];

		if (e->set->count == 0)
			continue;
		if (ids->by_guid)
			err = rop_push_guid(p, &e->guid);
		else
			err = rop_push_u16(p, e->replid);
		if (err == ROP_OK)
			err = ics_globset_push(p, e->set);
	}
	talloc_free(order);
	if (err != ROP_OK)
		rop_push_rewind(p, mark);
	return err;
}
