/*
 * setting.c - the "KEY=VALUE" syntax of parameter overrides (setting.h).
 */
#include "config/setting.h"

#include <stdlib.h>
#include <string.h>

#include "sim/error.h"

int setting_parse(const char *kv, char *key, size_t key_size, uint64_t *value,
                  char *err, size_t err_size)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return hs_errorf(err, err_size, "--set '%s': expected KEY=VALUE", kv);
    size_t klen = (size_t)(eq - kv);
    if (klen >= key_size)
        return hs_errorf(err, err_size, "--set '%s': key too long", kv);
    memcpy(key, kv, klen);
    key[klen] = '\0';
    const char *val = eq + 1;
    char *end = NULL;
    if (*val < '0' || *val > '9')
        return hs_errorf(err, err_size,
                         "--set %s: value '%s' is not a non-negative integer",
                         key, val);
    unsigned long long v = strtoull(val, &end, 10);
    if (*end != '\0')
        return hs_errorf(err, err_size,
                         "--set %s: value '%s' is not a non-negative integer",
                         key, val);
    *value = v;
    return 0;
}
