/*
 * mc_replay internals shared by mc_replay.c (sending, rewriting) and
 * mc_replay_diff.c (comparing).
 */
#ifndef MC_REPLAY_PRIVATE_H
#define MC_REPLAY_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <talloc.h>

#include "mc_replay.h"
#include "mc_store.h"
#include "mh_nspi.h"
#include "rop.h"

struct mc_replay_sub {
	char *from, *to;
};
struct mc_replay_id {
	uint64_t from, to;
};

/* An object the seed made (mc_replay_seed.c): a folder (mid 0) or a
 * message. */
struct mc_replay_obj {
	char *ref;
	uint64_t fid, mid;
};

struct mc_replay_guid {
	uint8_t from[16], to[16];
};

struct mc_replay_state {
	TALLOC_CTX *mem_ctx;
	struct mc_session *s;
	const char *address;
	FILE *out;
	bool discovered;
	/* recorded strings -> live strings (user DN, names, address) */
	struct mc_replay_sub *subs;
	size_t sub_count;
	/* recorded 8-byte IDs -> live IDs */
	struct mc_replay_id *ids;
	size_t id_count;
	/* recorded GUIDs of the server -> live ones */
	struct mc_replay_guid *guids;
	size_t guid_count;
	/* recorded address book MIds -> live MIds (mc_replay_nspi.c) */
	struct mc_replay_id *mids;
	size_t mid_count;
	/* recorded server object handles -> live handles */
	struct mc_replay_id *handles;
	size_t handle_count;
	/* the columns of the last RopSetColumns, for QueryRows answers */
	struct mapi_proptag_array *columns;
	/* the seeded mailbox: the logon and the objects made */
	struct mc_logon *logon;
	struct mc_replay_obj *objs;
	size_t obj_count;
	unsigned differences, entry_differences;
	unsigned known_differences; /* in entries marked known_difference */
	char *live_display_name;
};

/* The live handle for a recorded one (itself when unknown). */
uint64_t mc_replay_map_handle(const struct mc_replay_state *r, uint64_t h);

/* The request body to send for a recorded one of type (X-RequestType):
 * Connect's UserDn, RopLogon's Essdn, handles and IDs rewritten; *ctx_r
 * what the answers need to decode (columns, tags). */
int mc_replay_rewrite(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *type,
                      const uint8_t *body, size_t len, struct rop_push *out,
                      struct rop_decode_ctx *ctx_r);

/* What the two answers teach: the live handles of the recorded ones
 * (Execute), the live user's names (Connect). */
void mc_replay_learn_answer(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *type,
                            const uint8_t *rec, size_t rec_len, const uint8_t *live,
                            size_t live_len);

/* Adds a recorded -> live string substitution (ignored when equal). */
void mc_replay_learn_sub(struct mc_replay_state *r, const char *from, const char *to);
/* 1 when from maps to to (learned now if from was unknown), 0 when from
 * is already known as another value. */
int mc_replay_learn_id(struct mc_replay_state *r, uint64_t from, uint64_t to);

/* The same for a GUID. */
int mc_replay_learn_guid(struct mc_replay_state *r, const struct mc_replay_guid *g);

/* NSPI (mc_replay_nspi.c): the request with its MIds (STAT CurrentRec and
 * ContainerID, MId arrays, single MIds) replaced by the live ones learned
 * so far; sent as recorded when it does not decode. */
int mc_replay_nspi_rewrite(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, enum nspi_request_type t,
                           const uint8_t *body, size_t len, struct rop_push *out);
/* The MIds of a recorded answer and the live one, position by position. */
void mc_replay_nspi_learn(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, enum nspi_request_type t,
                          const uint8_t *rec, size_t rec_len, const uint8_t *live, size_t live_len);
/* The recorded answer (*body, *len) with its MIds replaced by the live
 * ones, so that only MIds mapped otherwise show as differences. */
int mc_replay_nspi_map_answer(TALLOC_CTX *mem_ctx, const struct mc_replay_state *r,
                              enum nspi_request_type t, const uint8_t **body, size_t *len);

/* Every recorded 8-byte ID and server GUID in data replaced by its live
 * one (mc_replay_rewrite.c). */
void mc_replay_replace_ids(const struct mc_replay_state *r, uint8_t *data, size_t len);

/* Seed mode (mc_replay_seed.c): RopLogon, then the folders and messages
 * of the log's "_seed" (JSON text) made, their IDs learned. */
int mc_replay_seed(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *seed);
/* The seeded session's Disconnect (0 when there was none). */
int mc_replay_seed_end(TALLOC_CTX *mem_ctx, struct mc_replay_state *r);
/* 1 and the IDs of the well-known folder or seeded object ref (*mid_r 0
 * for a folder), 0 when there is none. */
int mc_replay_seed_find(const struct mc_replay_state *r, const char *ref, uint64_t *fid_r,
                        uint64_t *mid_r);
/* An entry's "_example" (JSON text) replayed as entry n
 * (mc_replay_example.c). */
int mc_replay_example(TALLOC_CTX *mem_ctx, struct mc_replay_state *r, const char *example,
                      unsigned n);

/* Compares the two printed answers (modified in place), printing the
 * differences that matter and counting them in r->differences. */
void mc_replay_compare(struct mc_replay_state *r, char *rec_text, char *live_text);

#endif
