// KlikHTTP
