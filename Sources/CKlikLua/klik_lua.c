#include "klik_lua.h"
