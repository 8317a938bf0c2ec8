/* The decision behind a placement, in the shape of schemas/decision.schema.json. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "decision.h"
#include "error.h"

static char *take(hw_text *t) { return hw_text_take(t); }

static int push(hw_decision_entry **arr, size_t *n) {
  hw_decision_entry *a = realloc(*arr, (*n + 1) * sizeof **arr);
  if (!a) return 0;
  memset(&a[*n], 0, sizeof a[*n]);
  *arr = a;
  (*n)++;
  return 1;
}

static void set_code(hw_decision_entry *e, uint32_t code) {
  const char *n = hw_reason_name(code);
  if (n) e->code = n;
  else {
    snprintf(e->code_buf, sizeof e->code_buf, "%u", code);
    e->code = NULL; /* code_buf: entries move when the arrays grow */
  }
}

/* One allocation per placement: the struct, the explanations and the policy's identity share a
 * block (the separate mallocs were a third of a cold allocation's cache misses). */
hw_decision_t *hw_decision_from(const hw_platform_t *p, const hw_outcome *out, uint64_t requested, uint64_t devices, const char *pname,
                              const char *pversion, const char *psha) {
  size_t xbytes = out->explain_count * sizeof(hw_explain);
  size_t nlen = strlen(pname) + 1, vlen = strlen(pversion) + 1, slen = strlen(psha) + 1;
  /* hw_decision's alignment covers hw_explain's (both hold u64 / pointers). */
  _Static_assert(_Alignof(hw_decision_t) % _Alignof(hw_explain) == 0, "explanations follow the struct");
  hw_decision_t *d = calloc(1, sizeof *d + xbytes + nlen + vlen + slen);
  if (!d) return NULL;
  char *at = (char *)(d + 1);
  d->platform = p;
  d->requested = requested;
  d->devices = devices;
  d->explain_count = out->explain_count;
  d->explains = (hw_explain *)at;
  memcpy(at, out->explains, xbytes);
  at += xbytes;
  d->policy_name = memcpy(at, pname, nlen);
  at += nlen;
  d->policy_version = memcpy(at, pversion, vlen);
  at += vlen;
  d->policy_sha256 = memcpy(at, psha, slen);
  return d;
}

void hw_decision_no_fit(hw_decision_t *d, uint32_t reason) {
  d->no_fit = 1;
  d->fail_reason = reason;
}

/* The texts (rejections, ranking, fallbacks, failure) from the explanations kept at the
 * decision: built once, on the first read of any of them. 1 when built, 0 out of memory. */
static int build(hw_decision_t *d) {
  const hw_platform_t *p = d->platform;
  int ok = 1;
  for (uint32_t i = 0; ok && i < d->explain_count; i++) {
    const hw_explain *e = &d->explains[i];
    hw_text t = {0};
    if (e->subject == HW_SUBJECT_HEAP && e->heap < p->heap_count) {
      const char *heap = p->heaps[e->heap].name;
      if (e->verdict == HW_VERDICT_REJECTED) {
        uint64_t rounded = hw_rounded_size(p, d->requested, d->devices, e->heap);
        hw_reason_text(&t, p, e->code, e->heap, e->device, e->detail, 1, rounded);
        if (!(ok = push(&d->rejected, &d->rejected_count))) break;
        hw_decision_entry *r = &d->rejected[d->rejected_count - 1];
        r->heap = strdup(heap);
        r->device = e->device != HW_NONE && e->device < p->device_count ? strdup(p->devices[e->device].name) : NULL;
        r->reason = take(&t);
        set_code(r, e->code);
        ok = r->heap && r->reason;
      } else if (!d->no_fit && (e->verdict == HW_VERDICT_CHOSEN || e->verdict == HW_VERDICT_FALLBACK)) {
        /* Nothing fit (FAIL): the decision keeps the rejections and the failure, not a ranking. */
        if (e->verdict == HW_VERDICT_FALLBACK) {
          char **f = realloc(d->fallbacks, (d->fallback_count + 1) * sizeof *f);
          if (!(ok = f != NULL)) break;
          d->fallbacks = f;
          if (!(ok = (f[d->fallback_count] = strdup(heap)) != NULL)) break;
          d->fallback_count++;
        }
        hw_reason_text(&t, p, e->code, e->heap, e->device, e->detail, 0, 0);
        if (!(ok = push(&d->ranking, &d->ranking_count))) break;
        hw_decision_entry *r = &d->ranking[d->ranking_count - 1];
        r->heap = strdup(heap);
        r->reason = take(&t);
        set_code(r, e->code);
        ok = r->heap && r->reason;
      }
    } else if (e->subject == HW_SUBJECT_BUFFER && e->verdict == HW_VERDICT_REJECTED) {
      hw_reason_text(&t, p, e->code, e->heap, e->device, e->detail, 0, 0);
      free(d->failure);
      ok = (d->failure = take(&t)) != NULL;
    }
    hw_text_free(&t);
  }
  if (ok && d->no_fit && !d->failure) {
    hw_text t = {0};
    const char *rn = hw_reason_name(d->fail_reason);
    if (rn) hw_text_addf(&t, "no heap fits (%s)", rn);
    else hw_text_addf(&t, "no heap fits (%u)", d->fail_reason);
    ok = (d->failure = take(&t)) != NULL;
  }
  return ok;
}

/* The decision with its texts built. Reading a decision is using its engine (one thread at a
 * time), so building on first read needs no lock; the cast is sound: decisions are allocated,
 * never const objects. NULL when out of memory while building. */
static const hw_decision_t *texts(const hw_decision_t *cd) {
  if (!cd) return NULL;
  hw_decision_t *d = (hw_decision_t *)cd;
  if (d->built == 0) d->built = build(d) ? 1 : -1;
  return d->built == 1 ? d : NULL;
}

int hw_decision_add_attempt(hw_decision_t *d, const char *heap, int e) {
  if (!push(&d->attempts, &d->attempt_count)) return 0;
  hw_decision_entry *a = &d->attempts[d->attempt_count - 1];
  a->heap = strdup(heap);
  a->errno_value = e;
  a->code = hw_errno_name(e, a->code_buf, sizeof a->code_buf);
  if (a->code == a->code_buf) a->code = NULL; /* code_buf: entries move when the arrays grow */
  return a->heap != NULL;
}

static void free_entries(hw_decision_entry *a, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(a[i].heap);
    free(a[i].device);
    free(a[i].reason);
  }
  free(a);
}

void hw_decision_delete(hw_decision_t *d) {
  if (!d) return;
  free(d->name);
  free(d->failure);
  for (size_t i = 0; i < d->fallback_count; i++) free(d->fallbacks[i]);
  free(d->fallbacks);
  free_entries(d->rejected, d->rejected_count);
  free_entries(d->ranking, d->ranking_count);
  free_entries(d->attempts, d->attempt_count);
  free(d); /* with its explanations and the policy's identity */
}

static const char *code_of(const hw_decision_entry *e) { return e->code ? e->code : e->code_buf; }

const char *hw_decision_heap(const hw_decision_t *d) { return d ? d->heap : NULL; }
uint64_t hw_decision_size(const hw_decision_t *d) { return d ? d->size : 0; }
uint32_t hw_decision_fd_flags(const hw_decision_t *d) { return d ? d->fd_flags : 0; }
const char *hw_decision_name(const hw_decision_t *d) { return d ? d->name : NULL; }
const char *hw_decision_failure(const hw_decision_t *d) { return (d = texts(d)) ? d->failure : NULL; }
size_t hw_decision_fallback_count(const hw_decision_t *d) { return (d = texts(d)) ? d->fallback_count : 0; }
const char *hw_decision_fallback(const hw_decision_t *d, size_t i) { return (d = texts(d)) && i < d->fallback_count ? d->fallbacks[i] : NULL; }
size_t hw_decision_rejected_count(const hw_decision_t *d) { return (d = texts(d)) ? d->rejected_count : 0; }
size_t hw_decision_ranking_count(const hw_decision_t *d) { return (d = texts(d)) ? d->ranking_count : 0; }
size_t hw_decision_attempt_count(const hw_decision_t *d) { return d ? d->attempt_count : 0; }

hw_status_t hw_decision_rejected(const hw_decision_t *d, size_t i, hw_rejection_t *out) {
  if (!d || !out) return HW_ERR_ARGUMENT;
  if (!(d = texts(d))) return HW_ERR_NO_MEMORY;
  if (i >= d->rejected_count) return HW_ERR_ARGUMENT;
  const hw_decision_entry *e = &d->rejected[i];
  *out = (hw_rejection_t){e->heap, e->device, e->reason, code_of(e)};
  return HW_OK;
}

hw_status_t hw_decision_ranking(const hw_decision_t *d, size_t i, hw_ranked_t *out) {
  if (!d || !out) return HW_ERR_ARGUMENT;
  if (!(d = texts(d))) return HW_ERR_NO_MEMORY;
  if (i >= d->ranking_count) return HW_ERR_ARGUMENT;
  const hw_decision_entry *e = &d->ranking[i];
  *out = (hw_ranked_t){e->heap, e->reason, code_of(e)};
  return HW_OK;
}

hw_status_t hw_decision_attempt(const hw_decision_t *d, size_t i, hw_attempt_t *out) {
  if (!d || !out || i >= d->attempt_count) return HW_ERR_ARGUMENT;
  const hw_decision_entry *e = &d->attempts[i];
  *out = (hw_attempt_t){e->heap, e->errno_value, code_of(e)};
  return HW_OK;
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

hw_status_t hw_decision_to_json(const hw_decision_t *d, char **json) {
  if (!d || !json) return HW_ERR_ARGUMENT;
  if (!(d = texts(d))) return HW_ERR_NO_MEMORY;
  json_t *o = json_object(), *fb = json_array(), *rej = json_array(), *rank = json_array(), *att = json_array(), *pol = json_object();
  json_object_set_new(o, "heap", str_or_null(d->heap));
  for (size_t i = 0; i < d->fallback_count; i++) json_array_append_new(fb, json_string(d->fallbacks[i]));
  json_object_set_new(o, "fallbacks", fb);
  json_object_set_new(o, "size", json_integer((json_int_t)d->size));
  json_object_set_new(o, "fdFlags", json_integer(d->fd_flags));
  json_object_set_new(o, "name", str_or_null(d->name));
  for (size_t i = 0; i < d->rejected_count; i++) {
    json_t *r = json_object();
    json_object_set_new(r, "heap", json_string(d->rejected[i].heap));
    json_object_set_new(r, "device", str_or_null(d->rejected[i].device));
    json_object_set_new(r, "reason", json_string(d->rejected[i].reason));
    json_object_set_new(r, "code", json_string(code_of(&d->rejected[i])));
    json_array_append_new(rej, r);
  }
  json_object_set_new(o, "rejected", rej);
  json_object_set_new(pol, "name", json_string(d->policy_name));
  json_object_set_new(pol, "version", json_string(d->policy_version));
  json_object_set_new(pol, "sha256", json_string(d->policy_sha256));
  json_object_set_new(o, "policy", pol);
  for (size_t i = 0; i < d->ranking_count; i++) {
    json_t *r = json_object();
    json_object_set_new(r, "heap", json_string(d->ranking[i].heap));
    json_object_set_new(r, "reason", json_string(d->ranking[i].reason));
    json_object_set_new(r, "code", json_string(code_of(&d->ranking[i])));
    json_array_append_new(rank, r);
  }
  json_object_set_new(o, "ranking", rank);
  for (size_t i = 0; i < d->attempt_count; i++) {
    json_t *r = json_object();
    json_object_set_new(r, "heap", json_string(d->attempts[i].heap));
    json_object_set_new(r, "errno", json_integer(d->attempts[i].errno_value));
    json_object_set_new(r, "code", json_string(code_of(&d->attempts[i])));
    json_array_append_new(att, r);
  }
  json_object_set_new(o, "attempts", att);
  json_object_set_new(o, "failure", str_or_null(d->failure));
  *json = json_dumps(o, JSON_INDENT(2));
  json_decref(o);
  return *json ? HW_OK : HW_ERR_NO_MEMORY;
}
