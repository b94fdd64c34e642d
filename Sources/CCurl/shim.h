#ifndef RELANCE_CCURL_SHIM_H
#define RELANCE_CCURL_SHIM_H
// libcurl for the Outbox's SMTP transport. curl_easy_setopt and curl_easy_getinfo are variadic,
// which Swift cannot call: the typed static inline wrappers below are what Swift uses.
#include <curl/curl.h>

static inline CURLcode relance_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode relance_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode relance_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode relance_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*relance_curl_io_callback)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode relance_curl_setopt_callback(CURL *handle, CURLoption option, relance_curl_io_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode relance_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef int (*relance_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);

static inline CURLcode relance_curl_setopt_debug_callback(CURL *handle, CURLoption option, relance_curl_debug_callback value) {
    return curl_easy_setopt(handle, option, value);
}

// CURLOPT_MAIL_RCPT_ALLOWFAILS (7.69+; spelled CURLOPT_MAIL_RCPT_ALLLOWFAILS before 8.2): go on with
// the recipients the server accepted when it refuses some of them.
static const CURLoption relance_curlopt_mail_rcpt_allowfails = (CURLoption)(CURLOPTTYPE_LONG + 290);

static inline CURLcode relance_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

// The connection's socket (CURLINFO_ACTIVESOCKET), or -1: shut down before cleanup when a
// transaction failed, so that libcurl's QUIT cannot wait on a stalled server.
static inline curl_socket_t relance_curl_active_socket(CURL *handle) {
    curl_socket_t s = CURL_SOCKET_BAD;
    if(curl_easy_getinfo(handle, CURLINFO_ACTIVESOCKET, &s) != CURLE_OK) return CURL_SOCKET_BAD;
    return s;
}

#endif
