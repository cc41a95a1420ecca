// libcurl for Swift: curl_easy_setopt is variadic and does not import, so each transfer Klik
// makes is one prefixed inline function here.
#ifndef KLIK_CCURL_SHIM_H
#define KLIK_CCURL_SHIM_H
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
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

/// 1 when an address is loopback, private, link-local, CGNAT, unspecified or multicast.
static inline int kcurl_is_local(const struct sockaddr *a) {
    if (a->sa_family == AF_INET) {
        const unsigned char *b = (const unsigned char *)&((const struct sockaddr_in *)a)->sin_addr;
        return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && (b[1] & 0xF0) == 16)
            || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xC0) == 64) || b[0] >= 224;
    }
    if (a->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr;
        static const unsigned char zero[10] = {0};
        if (memcmp(b, zero, 10) == 0 && b[10] == 0xFF && b[11] == 0xFF) { /* IPv4-mapped */
            struct sockaddr_in v4; memset(&v4, 0, sizeof v4); v4.sin_family = AF_INET; memcpy(&v4.sin_addr, b + 12, 4);
            return kcurl_is_local((const struct sockaddr *)&v4);
        }
        int unspecified_or_loopback = memcmp(b, zero, 10) == 0 && b[10] == 0 && b[11] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1;
        return unspecified_or_loopback || (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) || b[0] == 0xFF;
    }
    return 1;
}

/// Refuses to connect to local addresses (checked on the resolved address, so DNS tricks do not help).
static curl_socket_t kcurl_open_public(void *user, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)user; (void)purpose;
    if (kcurl_is_local(&address->addr)) return CURL_SOCKET_BAD;
    return socket(address->family, address->socktype, address->protocol);
}

/// POSTs `length` bytes of `body` to an http(s) URL with `headers`, following no redirects;
/// `*status` receives the HTTP status. `errbuf` must hold CURL_ERROR_SIZE bytes.
/// Unless `allow_local`, only https and only public addresses.
static inline CURLcode kcurl_post(const char *url, const char *body, size_t length, struct curl_slist *headers,
                                  int allow_local, long timeout_seconds, long *status, char *errbuf) {
    CURL *c = curl_easy_init();
    if (!c) return CURLE_FAILED_INIT;
    kcurl_common(c, url, timeout_seconds, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, allow_local ? "http,https" : "https");
    if (!allow_local) curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, kcurl_open_public);
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
