/*
 * ab_error: the engine's error enum, its text and the one place where each
 * cause maps to an NSPI error code ([MS-OXNSPI] 2.2.1.2; numeric values of
 * [MS-OXCDATA] 2.4 via the codec's table).
 */
#include "addrbook.h"
#include "rop_errors.h"

static const struct {
	const char *text;
	uint32_t nspi;
} ab_errors[] = {
    [AB_E_OK] = {"success", EC_Success},
    [AB_E_ERRORS_RETURNED] = {"some values could not be returned", EC_ErrorsReturned},
    /* [MS-OXNSPI] 3.1.4.1.2: Unbind answers UnbindSuccess (0x00000001). */
    [AB_E_UNBIND_SUCCESS] = {"unbound", 0x00000001},
    [AB_E_NOT_FOUND] = {"object not found", EC_NotFound},
    [AB_E_INVALID_PARAMETER] = {"invalid parameter", EC_InvalidParameter},
    [AB_E_INVALID_CODEPAGE] = {"code page not supported", EC_InvalidCodepage},
    [AB_E_INVALID_BOOKMARK] = {"unknown address book container", EC_InvalidBookmark},
    [AB_E_TOO_COMPLEX] = {"restriction or seek target not supported", EC_TooComplex},
    [AB_E_TABLE_TOO_BIG] = {"more matches than requested", EC_TableTooBig},
    [AB_E_ACCESS_DENIED] = {"the address book is read-only", EC_AccessDenied},
    [AB_E_NOT_SUPPORTED] = {"not supported", EC_NotSupported},
    [AB_E_GENERAL_FAILURE] = {"position cannot be determined", EC_GeneralFailure},
    [AB_E_DIRECTORY] = {"directory failure", EC_GeneralFailure},
    [AB_E_NO_MEMORY] = {"out of memory", EC_NotEnoughMemory},
};

const char *ab_strerror(enum ab_error error)
{
	if ((unsigned)error >= sizeof(ab_errors) / sizeof(ab_errors[0]))
		return "unknown address book error";
	return ab_errors[error].text;
}

uint32_t ab_error_nspi(enum ab_error error)
{
	if ((unsigned)error >= sizeof(ab_errors) / sizeof(ab_errors[0]))
		return EC_GeneralFailure;
	return ab_errors[error].nspi;
}
