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
#define ANY   (LOGON | FOLDER | MESSAGE | ATTACH | TABLE | STREAM)
#define PROPS (LOGON | FOLDER | MESSAGE | ATTACH)

#define ROW(name, member, in)        [ROP_ID_##name] = {ems_rop_##member, in, 0}
#define ROW2(name, member, in, dest) [ROP_ID_##name] = {ems_rop_##member, in, dest}

static const struct ems_rop_def rop_defs[256] = {
    /* [MS-OXCSTOR] */
    ROW(Logon, logon, 0),
    ROW(GetReceiveFolder, get_receive_folder, LOGON),
    ROW(SetReceiveFolder, set_receive_folder, LOGON),
    ROW(GetReceiveFolderTable, get_receive_folder_table, LOGON),
    ROW(LongTermIdFromId, long_term_id_from_id, ANY),
    ROW(IdFromLongTermId, id_from_long_term_id, ANY),
    ROW(GetPerUserLongTermIds, get_per_user_long_term_ids, LOGON),
    ROW(GetPerUserGuid, get_per_user_guid, LOGON),
    ROW(ReadPerUserInformation, read_per_user_information, LOGON),
    ROW(WritePerUserInformation, write_per_user_information, LOGON),
    ROW(GetStoreState, get_store_state, LOGON),
    ROW(GetOwningServers, get_owning_servers, ANY),
    ROW(PublicFolderIsGhosted, public_folder_is_ghosted, ANY),
    /* [MS-OXOMSG] */
    ROW(GetAddressTypes, get_address_types, ANY),
    ROW(OptionsData, options_data, ANY),
    ROW(SubmitMessage, submit_message, MESSAGE),
    ROW(TransportSend, transport_send, MESSAGE),
    ROW(AbortSubmit, abort_submit, LOGON | FOLDER | MESSAGE),
    ROW(GetTransportFolder, get_transport_folder, LOGON),
    ROW(TransportNewMail, transport_new_mail, LOGON),
    ROW(SetSpooler, set_spooler, LOGON),
    ROW(SpoolerLockMessage, spooler_lock_message, LOGON),
    /* [MS-OXCFXICS] */
    ROW(TellVersion, tell_version, ANY),
    /* [MS-OXCFOLD] */
    ROW(OpenFolder, open_folder, LOGON | FOLDER),
    ROW(CreateFolder, create_folder, FOLDER),
    ROW(DeleteFolder, delete_folder, FOLDER),
    ROW(GetHierarchyTable, get_hierarchy_table, FOLDER),
    ROW(GetContentsTable, get_contents_table, FOLDER),
    ROW(SetSearchCriteria, set_search_criteria, FOLDER),
    ROW(GetSearchCriteria, get_search_criteria, FOLDER),
    /* [MS-OXCPRPT] */
    ROW(GetPropertiesSpecific, get_properties_specific, PROPS),
    ROW(GetPropertiesAll, get_properties_all, PROPS),
    ROW(GetPropertiesList, get_properties_list, PROPS),
    ROW(SetProperties, set_properties, PROPS),
    ROW(SetPropertiesNoReplicate, set_properties_no_replicate, PROPS),
    ROW(DeleteProperties, delete_properties, PROPS),
    ROW(DeletePropertiesNoReplicate, delete_properties_no_replicate, PROPS),
    ROW(GetPropertyIdsFromNames, get_property_ids_from_names, PROPS),
    ROW(GetNamesFromPropertyIds, get_names_from_property_ids, PROPS),
    ROW(QueryNamedProperties, query_named_properties, PROPS),
    ROW2(CopyProperties, copy_properties, PROPS, PROPS),
    ROW2(CopyTo, copy_to, PROPS, PROPS),
    /* [MS-OXCTABL] */
    ROW(SetColumns, set_columns, TABLE),
    ROW(SortTable, sort_table, TABLE),
    ROW(Restrict, restrict_, TABLE),
    ROW(QueryRows, query_rows, TABLE),
    ROW(GetStatus, get_status, TABLE),
    ROW(QueryPosition, query_position, TABLE),
    ROW(SeekRow, seek_row, TABLE),
    ROW(SeekRowBookmark, seek_row_bookmark, TABLE),
    ROW(SeekRowFractional, seek_row_fractional, TABLE),
    ROW(CreateBookmark, create_bookmark, TABLE),
    ROW(FreeBookmark, free_bookmark, TABLE),
    ROW(FindRow, find_row, TABLE),
    ROW(ResetTable, reset_table, TABLE),
    ROW(QueryColumnsAll, query_columns_all, TABLE),
    ROW(Abort, abort_, TABLE),
    ROW(ExpandRow, expand_row, TABLE),
    ROW(CollapseRow, collapse_row, TABLE),
    ROW(GetCollapseState, get_collapse_state, TABLE),
    ROW(SetCollapseState, set_collapse_state, TABLE),
    /* [MS-OXCMSG] */
    ROW(CreateMessage, create_message, LOGON | FOLDER),
    ROW(OpenMessage, open_message, LOGON | FOLDER),
    ROW(SaveChangesMessage, save_changes_message, MESSAGE),
    ROW(RemoveAllRecipients, remove_all_recipients, MESSAGE),
    ROW(ModifyRecipients, modify_recipients, MESSAGE),
    ROW(ReadRecipients, read_recipients, MESSAGE),
    ROW(ReloadCachedInformation, reload_cached_information, MESSAGE),
    ROW(GetAttachmentTable, get_attachment_table, MESSAGE),
    ROW(GetValidAttachments, get_valid_attachments, MESSAGE),
    ROW(SetMessageReadFlag, set_message_read_flag, MESSAGE),
    ROW(SetReadFlags, set_read_flags, FOLDER),
    ROW(GetMessageStatus, get_message_status, FOLDER),
    ROW(SetMessageStatus, set_message_status, FOLDER),
    ROW(CreateAttachment, create_attachment, MESSAGE),
    ROW(OpenAttachment, open_attachment, MESSAGE),
    ROW(SaveChangesAttachment, save_changes_attachment, ATTACH),
    ROW(OpenEmbeddedMessage, open_embedded_message, ATTACH),
    ROW(DeleteAttachment, delete_attachment, MESSAGE),
    /* [MS-OXCFOLD] message and folder moves */
    ROW(DeleteMessages, delete_messages, FOLDER),
    ROW(HardDeleteMessages, hard_delete_messages, FOLDER),
    ROW2(MoveCopyMessages, move_copy_messages, FOLDER, FOLDER),
    ROW(EmptyFolder, empty_folder, FOLDER),
    ROW(HardDeleteMessagesAndSubfolders, hard_delete_messages_and_subfolders, FOLDER),
    ROW2(MoveFolder, move_folder, FOLDER, FOLDER),
    ROW2(CopyFolder, copy_folder, FOLDER, FOLDER),
    /* [MS-OXCPRPT] streams */
    ROW(OpenStream, open_stream, FOLDER | MESSAGE | ATTACH),
    ROW(ReadStream, read_stream, STREAM),
    ROW(WriteStream, write_stream, STREAM),
    ROW(CommitStream, commit_stream, STREAM),
    ROW(GetStreamSize, get_stream_size, STREAM),
    ROW(SetStreamSize, set_stream_size, STREAM),
    ROW(SeekStream, seek_stream, STREAM),
    ROW(WriteAndCommitStream, write_and_commit_stream, STREAM),
    ROW(WriteStreamExtended, write_stream_extended, STREAM),
    ROW2(CopyToStream, copy_to_stream, STREAM, STREAM),
    /* [MS-OXCNOTIF] */
    ROW(RegisterNotification, register_notification, LOGON | FOLDER),
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
	case STORE_E_NOTSEARCH:
		return EC_NotSearchFolder;
	case STORE_E_NOTINIT:
		return EC_NotInitialized;
	default:
		return EC_GeneralFailure;
	}
}
