/* The cases file bench/decision/export-cases.ts writes (the fixture first, then every example
 * request, each as the ABI platform blob and the PLACE event bytes the Node host encodes), and
 * the requests the C benchmarks make of a case: to the native policy and through the public API. */
#ifndef BENCH_CASES_H
#define BENCH_CASES_H

#include <stdint.h>

#include "default_policy.h"
#include "heapwise.h"

typedef struct bench_case {
  char label[256];
  uint8_t *blob;
  uint32_t blob_len;
  uint8_t event[HW_INPUT_CAPACITY];
  uint32_t event_len;
} bench_case;

/* Reads every case; exits with status 2 and a message naming `prog` on a bad file. Free with free_cases. */
bench_case *load_cases(const char *prog, const char *path, uint32_t *count);
void free_cases(bench_case *cs, uint32_t count);

/* The case's request as the native policy takes it (a first attempt: nothing failed yet). */
np_request case_request(const bench_case *c);

/* The case's request as an application passes it to hw_engine_allocate, with device names from
 * `platform`; the names and the name string live in *storage, which must outlive the request. */
typedef struct case_app_storage {
  const char *devices[HW_MAX_DEVICES];
  char name[HW_NAME_CAPACITY];
} case_app_storage;
hw_alloc_request_t case_app_request(const bench_case *c, const hw_platform_t *platform, case_app_storage *storage);

#endif
