/*
 * mh_http: the MAPI/HTTP layer (mh_layer.h) behind the HTTP server: fills
 * struct mh_in from a request and answers through the server's
 * synchronous, deferred and streamed responses.
 */
#ifndef MH_HTTP_H
#define MH_HTTP_H

#include "http_request.h"
#include "mh_layer.h"

enum http_handler_result mh_http_handle(struct http_request *req, struct mh_server *srv,
                                        enum mh_endpoint endpoint);

/* An endpoint that is not served: X-ResponseCode 16 (Endpoint Disabled). */
enum http_handler_result mh_http_disabled(struct http_request *req);

#endif
