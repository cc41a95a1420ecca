// libsodium for Swift.
#ifndef KLIK_CSODIUM_SHIM_H
#define KLIK_CSODIUM_SHIM_H
#include <sodium.h>
#endif
