/* See json_keys.h. */
#include <stdlib.h>
#include <string.h>

#include "json_keys.h"

const char *hw_json_unknown_key(json_t *o, const char *const *keys) {
  const char *key, *first = NULL, *lowest_index = NULL;
  unsigned long long lowest = 0;
  json_t *v;
  json_object_foreach(o, key, v) {
    size_t k = 0;
    while (keys[k] && strcmp(key, keys[k]) != 0) k++;
    if (keys[k]) continue;
    size_t n = strlen(key);
    int index = n > 0 && n <= 10 && strspn(key, "0123456789") == n && (key[0] != '0' || n == 1);
    unsigned long long value = index ? strtoull(key, NULL, 10) : 0;
    if (index && value < 4294967295ULL) {
      if (!lowest_index || value < lowest) lowest_index = key, lowest = value;
    } else if (!first) {
      first = key;
    }
  }
  return lowest_index ? lowest_index : first;
}
