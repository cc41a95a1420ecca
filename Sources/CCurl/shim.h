// libcurl for Swift: curl_easy_setopt is variadic and does not import, so each transfer Klik
// makes is one prefixed inline function here.
#ifndef KLIK_CCURL_SHIM_H
#define KLIK_CCURL_SHIM_H
#include <string.h>
#include <curl/curl.h>

static size_t kcurl_discard(char *p, size_t size, size_t n, void *user) { (void)p; (void)user; return size * n; }

struct kcurl_source { const char *data; size_t length; size_t offset; };

static size_t kcurl_read_source(char *buffer, size_t size, size_t n, void *user) {
    struct kcurl_source *s = (struct kcurl_source *)user;
    size_t room = size * n, left = s->length - s->offset;
    size_t take = left < room ? left : room;
    memcpy(buffer, s->data + s->offset, take);
    s->offset += take;
    return take;
}

static inline void kcurl_common(CURL *c, const char *url, long timeout_seconds, char *errbuf) {
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_seconds);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_seconds);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, kcurl_discard);
}

/// POSTs `length` bytes of `body` to an http(s) URL with `headers`, following no redirects;
/// `*status` receives the HTTP status. `errbuf` must hold CURL_ERROR_SIZE bytes.
static inline CURLcode kcurl_post(const char *url, const char *body, size_t length, struct curl_slist *headers,
                                  long timeout_seconds, long *status, char *errbuf) {
    CURL *c = curl_easy_init();
    if (!c) return CURLE_FAILED_INIT;
    kcurl_common(c, url, timeout_seconds, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)length);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    return rc;
}

/// Sends one message over SMTP: `url` is smtp://host:port; `require_tls` demands STARTTLS;
/// `username` may be empty (no AUTH). `message` is the full RFC 5322 text with CRLF lines.
static inline CURLcode kcurl_smtp(const char *url, int require_tls, const char *username, const char *password,
                                  const char *from, struct curl_slist *recipients, const char *message, size_t length,
                                  long timeout_seconds, char *errbuf) {
    CURL *c = curl_easy_init();
    if (!c) return CURLE_FAILED_INIT;
    struct kcurl_source source = { message, length, 0 };
    kcurl_common(c, url, timeout_seconds, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    if (username && username[0]) {
        curl_easy_setopt(c, CURLOPT_USERNAME, username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, password);
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, kcurl_read_source);
    curl_easy_setopt(c, CURLOPT_READDATA, &source);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    return rc;
}
#endif
