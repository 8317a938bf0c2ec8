/* The WebAssembly sections the loader checks before a module runs (port of host/module/sections.ts
 * and checkSections in host/module/policy-module.ts, same refusals). */
#ifndef HW_WASM_SECTIONS_H
#define HW_WASM_SECTIONS_H

#include <stddef.h>
#include <stdint.h>

/* Checks imports (env.abort only, right signature; with log_capability also wasi fd_write and
 * proc_exit), exactly one 32-bit unshared memory with a declared maximum <= cap_bytes, the
 * required exports with their signatures, no floating point, and that the module does not
 * export the names the fuel instrumentation adds. Returns NULL when accepted, else a malloc'd
 * reason (without the module label). */
char *hw_wasm_check(const uint8_t *bytes, size_t len, uint64_t cap_bytes, int log_capability);

#endif
