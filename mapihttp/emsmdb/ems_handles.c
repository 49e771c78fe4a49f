/*
 * The server object handle table of a session ([MS-OXCROPS] 1.3.1,
 * 3.2.5.1, 3.2.5.3).  A handle is a slot index plus a generation: a
 * released handle is never valid again, whatever reuses its slot.
 */
#include "ems_private.h"

static int object_destructor(struct ems_object *obj)
{
	struct ems_session *s = obj->session;
	uint32_t slot = obj->handle & EMS_SLOT_MASK;

	if (slot < EMS_MAX_OBJECTS && s->slots[slot] == obj) {
		s->slots[slot] = NULL;
		s->gens[slot]++;
		s->object_count--;
	}
	if (obj->type == EMS_OBJ_LOGON && obj->logon != NULL &&
	    s->logons[obj->logon->logon_id] == obj->logon)
		s->logons[obj->logon->logon_id] = NULL;
	return 0;
}

struct ems_object *ems_object_new(struct ems_session *s, void *parent, enum ems_obj_type type,
                                  struct ems_logon *logon, uint32_t *ec_r)
{
	struct ems_object *obj;
	uint32_t slot;

	if (s->object_count >= EMS_MAX_OBJECTS) {
		*ec_r = EC_TooManyOpenObjects;
		return NULL;
	}
	for (slot = s->next_free_hint; s->slots[slot] != NULL;)
		slot = (slot + 1) % EMS_MAX_OBJECTS;
	obj = talloc_zero(parent, struct ems_object);
	if (obj == NULL) {
		*ec_r = EC_OutOfMemory;
		return NULL;
	}
	obj->type = type;
	obj->session = s;
	obj->logon = logon;
	/* generation bits 12..31; 0xFFFFFFFF is never handed out */
	obj->handle = ((s->gens[slot] & 0xFFFFEu) << EMS_SLOT_BITS) | slot;
	s->slots[slot] = obj;
	s->object_count++;
	s->next_free_hint = (slot + 1) % EMS_MAX_OBJECTS;
	talloc_set_destructor(obj, object_destructor);
	*ec_r = 0;
	return obj;
}

struct ems_object *ems_object_lookup(struct ems_session *s, uint32_t handle)
{
	uint32_t slot = handle & EMS_SLOT_MASK;

	if (slot >= EMS_MAX_OBJECTS || s->slots[slot] == NULL || s->slots[slot]->handle != handle)
		return NULL;
	return s->slots[slot];
}

void ems_object_release(struct ems_object *obj)
{
	talloc_free(obj);
}
