/*
 * setting.h - one "--set KEY=VALUE" parameter override, as the command
 * line and scenario files give it: the one parser of its syntax. Which
 * keys exist is the owner's business (machine params, approach tables,
 * emu/virt/virt.h checks them all).
 */
#ifndef HS_CONFIG_SETTING_H
#define HS_CONFIG_SETTING_H

#include <stddef.h>
#include <stdint.h>

/* Longest key a setting may have, with its NUL. */
#define SETTING_KEY_MAX 128

/* Splits kv into key (at most key_size bytes with the NUL) and a
 * non-negative decimal integer value. Returns 0, or -1 with a message
 * naming kv or the key in err: no '=', an empty or too long key, a value
 * that is not a non-negative integer. */
int setting_parse(const char *kv, char *key, size_t key_size, uint64_t *value,
                  char *err, size_t err_size);

#endif /* HS_CONFIG_SETTING_H */
