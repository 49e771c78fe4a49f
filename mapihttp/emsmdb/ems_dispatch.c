/*
 * The dispatch table: which ROPs this server runs, on which objects.  One
 * row per served RopId; a RopId without a row answers ecNotSupported
 * (ems_execute.c), as Exchange does for ROPs it does not implement on an
 * object.  Handlers live in the file of their governing specification.
 */
#include "ems_private.h"

#define LOGON   EMS_T(EMS_OBJ_LOGON)
#define FOLDER  EMS_T(EMS_OBJ_FOLDER)
#define MESSAGE EMS_T(EMS_OBJ_MESSAGE)
#define ATTACH  EMS_T(EMS_OBJ_ATTACH)
#define TABLE   EMS_T(EMS_OBJ_TABLE)
#define STREAM  EMS_T(EMS_OBJ_STREAM)
/* ROPs that act on the logon, whichever object of it the handle names
 * (Outlook sends them on the logon handle; Exchange accepts any). */
#define ANY (LOGON | FOLDER | MESSAGE | ATTACH | TABLE | STREAM)

#define ROW(name, in) [ROP_ID_##name] = {ems_rop_##name##_fn, in, 0}

/* Handler names follow the codec's member names (rop_ids.def). */
#define ems_rop_Logon_fn                 ems_rop_logon
#define ems_rop_GetReceiveFolder_fn      ems_rop_get_receive_folder
#define ems_rop_SetReceiveFolder_fn      ems_rop_set_receive_folder
#define ems_rop_GetReceiveFolderTable_fn ems_rop_get_receive_folder_table
#define ems_rop_LongTermIdFromId_fn      ems_rop_long_term_id_from_id
#define ems_rop_IdFromLongTermId_fn      ems_rop_id_from_long_term_id
#define ems_rop_GetPerUserLongTermIds_fn ems_rop_get_per_user_long_term_ids
#define ems_rop_GetPerUserGuid_fn        ems_rop_get_per_user_guid
#define ems_rop_GetStoreState_fn         ems_rop_get_store_state
#define ems_rop_GetOwningServers_fn      ems_rop_get_owning_servers
#define ems_rop_PublicFolderIsGhosted_fn ems_rop_public_folder_is_ghosted
#define ems_rop_GetAddressTypes_fn       ems_rop_get_address_types
#define ems_rop_OptionsData_fn           ems_rop_options_data
#define ems_rop_TellVersion_fn           ems_rop_tell_version

static const struct ems_rop_def rop_defs[256] = {
    /* [MS-OXCSTOR] */
    ROW(Logon, 0),
    ROW(GetReceiveFolder, LOGON),
    ROW(SetReceiveFolder, LOGON),
    ROW(GetReceiveFolderTable, LOGON),
    ROW(LongTermIdFromId, ANY),
    ROW(IdFromLongTermId, ANY),
    ROW(GetPerUserLongTermIds, LOGON),
    ROW(GetPerUserGuid, LOGON),
    ROW(GetStoreState, LOGON),
    ROW(GetOwningServers, ANY),
    ROW(PublicFolderIsGhosted, ANY),
    /* [MS-OXOMSG] */
    ROW(GetAddressTypes, ANY),
    ROW(OptionsData, ANY),
    /* [MS-OXCFXICS] */
    ROW(TellVersion, ANY),
};

const struct ems_rop_def *ems_rop_def(uint8_t rop_id)
{
	return rop_defs[rop_id].fn != NULL ? &rop_defs[rop_id] : NULL;
}

/* The mapping store.h documents for each store error. */
uint32_t ems_ec_from_store(int err)
{
	switch (err) {
	case STORE_OK:
		return 0;
	case STORE_E_NOTFOUND:
		return EC_NotFound;
	case STORE_E_EXISTS:
		return EC_CollidingNames;
	case STORE_E_INVALID:
		return EC_InvalidParameter;
	case STORE_E_BADTYPE:
		return EC_InvalidType;
	case STORE_E_QUOTA:
		return EC_QuotaExceeded;
	case STORE_E_SHUTOFF:
		return EC_ShutoffQuotaExceeded;
	case STORE_E_TOOBIG:
		return EC_MessageTooBig;
	case STORE_E_IO:
		return EC_DiskError;
	case STORE_E_CORRUPT:
		return EC_CorruptData;
	case STORE_E_NOMEM:
		return EC_OutOfMemory;
	case STORE_E_FULL:
		return EC_OutOfDisk;
	case STORE_E_HASCHILDREN:
		return EC_HasFolders;
	case STORE_E_CYCLE:
		return EC_FolderCycle;
	case STORE_E_NOTSUPPORTED:
		return EC_NotSupported;
	case STORE_E_DELETED:
		return EC_ObjectDeleted;
	case STORE_E_RANGE:
		return EC_NamedPropertyQuota;
	case STORE_E_BUSY:
		return EC_ServerBusy;
	case STORE_E_ACCESS:
		return EC_AccessDenied;
	case STORE_E_MODIFIED:
		return EC_ObjectChanged;
	default:
		return EC_GeneralFailure;
	}
}
