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

/* Splits kv at its '=' into key (at most key_size bytes with the NUL)
 * and *value_text (pointing into kv). Returns 0, or -1 with a message
 * naming kv in err: no '=', an empty or too long key. */
int setting_split(const char *kv, char *key, size_t key_size,
                  const char **value_text, char *err, size_t err_size);

/* A setting's value for key: a decimal integer 0 .. 2^64-1. Returns 0,
 * or -1 with a message naming key in err (not a non-negative integer,
 * or out of range). */
int setting_value(const char *key, const char *text, uint64_t *value, char *err,
                  size_t err_size);

/* setting_split, then setting_value. */
int setting_parse(const char *kv, char *key, size_t key_size, uint64_t *value,
                  char *err, size_t err_size);

#endif /* HS_CONFIG_SETTING_H */
