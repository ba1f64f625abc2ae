/*
 * setting.c - the "KEY=VALUE" syntax of parameter overrides (setting.h).
 */
#include "config/setting.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"

int setting_split(const char *kv, char *key, size_t key_size,
                  const char **value_text, char *err, size_t err_size)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return hs_errorf(err, err_size, "--set '%s': expected KEY=VALUE", kv);
    size_t klen = (size_t)(eq - kv);
    if (klen >= key_size)
        return hs_errorf(err, err_size, "--set '%s': key too long", kv);
    memcpy(key, kv, klen);
    key[klen] = '\0';
    *value_text = eq + 1;
    return 0;
}

int setting_value(const char *key, const char *text, uint64_t *value, char *err,
                  size_t err_size)
{
    char *end = NULL;
    if (*text < '0' || *text > '9')
        return hs_errorf(err, err_size,
                         "--set %s: value '%s' is not a non-negative integer",
                         key, text);
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0')
        return hs_errorf(err, err_size,
                         "--set %s: value '%s' is not a non-negative integer",
                         key, text);
    if (errno == ERANGE)
        return hs_errorf(err, err_size,
                         "--set %s: value %s is out of range (0 to %llu)", key,
                         text, (unsigned long long)UINT64_MAX);
    *value = v;
    return 0;
}

int setting_parse(const char *kv, char *key, size_t key_size, uint64_t *value,
                  char *err, size_t err_size)
{
    const char *text;
    if (setting_split(kv, key, key_size, &text, err, err_size) < 0)
        return -1;
    return setting_value(key, text, value, err, err_size);
}
