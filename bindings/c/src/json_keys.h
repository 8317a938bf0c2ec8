/* The key of a JSON object that Ajv names "unknown property": the first, in the order JavaScript
 * walks an object's keys, that the schema does not list. */
#ifndef HW_JSON_KEYS_H
#define HW_JSON_KEYS_H

#include <jansson.h>

/* The first key of `o` not in the NULL-terminated `keys`: array indices ("0" to "4294967294")
 * first, ascending, then the other keys in the order they were written; NULL when none. */
const char *hw_json_unknown_key(json_t *o, const char *const *keys);

#endif
