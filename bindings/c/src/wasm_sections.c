/* Minimal reader of the sections a policy loader must see before instantiating anything:
 * types, imports, functions, memories, exports and code (for the float scan). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_sections.h"

#define MAX_PARAMS 16
#define PAGE 65536ull

typedef struct functype {
  uint8_t params[MAX_PARAMS], results[MAX_PARAMS];
  uint32_t nparams, nresults;
} functype;

typedef struct reader {
  const uint8_t *b;
  size_t pos, end;
  char *error;
} reader;

static void fail(reader *r, const char *fmt, ...) {
  if (r->error) return;
  va_list ap;
  va_start(ap, fmt);
  char *m = NULL;
  if (vasprintf(&m, fmt, ap) < 0) m = NULL;
  va_end(ap);
  char *full = NULL;
  if (asprintf(&full, "malformed module: %s at byte %zu", m ? m : "?", r->pos) < 0) full = NULL;
  free(m);
  r->error = full ? full : strdup("malformed module");
  r->pos = r->end;
}

static uint8_t byte(reader *r) {
  if (r->pos >= r->end) {
    fail(r, "unexpected end of module");
    return 0;
  }
  return r->b[r->pos++];
}

static uint64_t leb(reader *r, int maxbits) {
  uint64_t v = 0;
  int shift = 0;
  for (;;) {
    uint8_t c = byte(r);
    if (r->error) return 0;
    if (shift < 64) v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) break;
    shift += 7;
    if (shift > maxbits) {
      fail(r, "LEB128 integer too long");
      return 0;
    }
  }
  return v;
}

static uint32_t u32(reader *r) { return (uint32_t)leb(r, 35); }

/* A name as a NUL-terminated copy (names are compared, never trusted further). */
static void name(reader *r, char *out, size_t cap) {
  uint32_t n = u32(r);
  if (r->error) return;
  if (r->pos + n > r->end) {
    fail(r, "name runs past its section");
    return;
  }
  size_t k = n < cap - 1 ? n : cap - 1;
  memcpy(out, r->b + r->pos, k);
  out[k] = 0;
  r->pos += n;
}

static const char *valtype_name(uint8_t t) {
  switch (t) {
    case 0x7f: return "i32";
    case 0x7e: return "i64";
    case 0x7d: return "f32";
    case 0x7c: return "f64";
    case 0x7b: return "v128";
    case 0x70: return "funcref";
    case 0x6f: return "externref";
  }
  return "?";
}

static void sig_text(const functype *t, char *out, size_t cap) {
  size_t o = 0;
  o += (size_t)snprintf(out + o, cap - o, "(");
  for (uint32_t i = 0; i < t->nparams && o < cap; i++) o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? ", " : "", valtype_name(t->params[i]));
  if (o < cap) o += (size_t)snprintf(out + o, cap - o, ") -> (");
  for (uint32_t i = 0; i < t->nresults && o < cap; i++) o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? ", " : "", valtype_name(t->results[i]));
  if (o < cap) snprintf(out + o, cap - o, ")");
}

typedef struct limits {
  uint64_t min, max;
  int has_max, shared, memory64;
} limits;

static limits read_limits(reader *r) {
  limits l = {0};
  uint8_t flags = byte(r);
  if (flags > 7) {
    fail(r, "unknown limits flags 0x%x", flags);
    return l;
  }
  l.memory64 = (flags & 4) != 0;
  l.shared = (flags & 2) != 0;
  l.min = leb(r, l.memory64 ? 63 : 35);
  if (flags & 1) {
    l.has_max = 1;
    l.max = leb(r, l.memory64 ? 63 : 35);
  }
  return l;
}

typedef struct required_export {
  const char *name;
  int is_memory;
  uint32_t nparams; /* i32 params; results are always one i32 */
} required_export;

static const required_export REQUIRED[] = {
    {"memory", 1, 0},         {"hw_abi_version", 0, 0}, {"hw_policy_name", 0, 0},
    {"hw_policy_version", 0, 0}, {"hw_input", 0, 0},    {"hw_output", 0, 0},
    {"hw_init", 0, 1},        {"hw_event", 0, 1},
};

static const char *KIND_NAMES[] = {"function", "table", "memory", "global", "tag"};

typedef struct module_info {
  functype *types;
  uint32_t ntypes;
  uint32_t *func_types; /* type index per function (imports first) */
  uint32_t nfuncs, capfuncs;
  uint32_t memories;
  limits memory;
  int uses_float;
  char *refusal;
  /* export table: name -> (kind, index) */
  struct { char name[64]; uint8_t kind; uint32_t index; } *exports;
  uint32_t nexports;
  int log; /* the caller grants the log capability */
} module_info;

static void refuse(module_info *m, const char *fmt, ...) {
  if (m->refusal) return;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&m->refusal, fmt, ap) < 0) m->refusal = strdup("refused");
  va_end(ap);
}

static void add_func(module_info *m, reader *r, uint32_t type) {
  if (m->nfuncs == m->capfuncs) {
    uint32_t cap = m->capfuncs ? m->capfuncs * 2 : 64;
    uint32_t *f = realloc(m->func_types, cap * sizeof *f);
    if (!f) {
      fail(r, "out of memory");
      return;
    }
    m->func_types = f;
    m->capfuncs = cap;
  }
  m->func_types[m->nfuncs++] = type;
}

static int is_float(uint8_t t) { return t == 0x7d || t == 0x7c; }

static void scan_code(module_info *m, reader *r) {
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    uint32_t t = m->func_types[i];
    if (t >= m->ntypes) continue;
    for (uint32_t k = 0; k < m->types[t].nparams; k++) if (is_float(m->types[t].params[k])) m->uses_float = 1;
    for (uint32_t k = 0; k < m->types[t].nresults; k++) if (is_float(m->types[t].results[k])) m->uses_float = 1;
  }
  for (uint32_t n = u32(r); n > 0 && !r->error; n--) {
    uint32_t size = u32(r);
    size_t end = r->pos + size;
    if (end > r->end) {
      fail(r, "function body runs past its section");
      return;
    }
    reader body = {r->b, r->pos, end, NULL};
    for (uint32_t groups = u32(&body); groups > 0 && !body.error; groups--) {
      u32(&body);
      if (is_float(byte(&body))) m->uses_float = 1;
    }
    free(body.error);
    r->pos = end;
  }
}

/* The imports a module may have (ALLOWED_IMPORTS of abi/v1.json), and with the log capability
 * a debug build's two WASI imports (LOG_IMPORTS of host/module/policy-module.ts). */
typedef struct allowed_import {
  const char *key;
  functype type;
} allowed_import;

static const allowed_import ALLOWED[] = {{"env.abort", {{0x7f, 0x7f, 0x7f, 0x7f}, {0}, 4, 0}}};
static const allowed_import LOG_ALLOWED[] = {
    {"wasi_snapshot_preview1.fd_write", {{0x7f, 0x7f, 0x7f, 0x7f}, {0x7f}, 4, 1}},
    {"wasi_snapshot_preview1.proc_exit", {{0x7f}, {0}, 1, 0}},
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Refuses an import outside the table, or with another signature, in the Node host's words. */
static void check_import(module_info *m, const char *mod, const char *nm, uint8_t kind, const char *kname, const functype *ft) {
  char key[260];
  snprintf(key, sizeof key, "%s.%s", mod, nm);
  const allowed_import *found = NULL;
  int is_log = 0;
  for (size_t i = 0; i < COUNT(ALLOWED); i++) if (!strcmp(key, ALLOWED[i].key)) found = &ALLOWED[i];
  for (size_t i = 0; i < COUNT(LOG_ALLOWED); i++) {
    if (!strcmp(key, LOG_ALLOWED[i].key)) {
      is_log = 1;
      if (m->log) found = &LOG_ALLOWED[i];
    }
  }
  if (!found || kind != 0) {
    char table[256] = "";
    for (size_t i = 0; i < COUNT(ALLOWED); i++) snprintf(table + strlen(table), sizeof table - strlen(table), "%s%s", i ? ", " : "", ALLOWED[i].key);
    for (size_t i = 0; m->log && i < COUNT(LOG_ALLOWED); i++) snprintf(table + strlen(table), sizeof table - strlen(table), ", %s", LOG_ALLOWED[i].key);
    refuse(m, "forbidden import %s (%s); a policy may import only %s%s", key, kname, table,
           !m->log && is_log ? " (a debug build: load it with the log capability)" : "");
    return;
  }
  char got[128], exp[128];
  if (ft) sig_text(ft, got, sizeof got);
  else strcpy(got, "?");
  sig_text(&found->type, exp, sizeof exp);
  if (strcmp(got, exp) != 0) refuse(m, "import %s has signature %s, expected %s", key, got, exp);
}

static void read_module(module_info *m, reader *r) {
  if (r->end < 8 || memcmp(r->b, "\0asm", 4) != 0) {
    fail(r, "not a WebAssembly module (bad magic)");
    return;
  }
  r->pos = 4;
  uint32_t version = r->b[4] | r->b[5] << 8 | r->b[6] << 16 | (uint32_t)r->b[7] << 24;
  if (version != 1) {
    r->pos = 4;
    fail(r, "unsupported WebAssembly binary version %u", version);
    return;
  }
  r->pos = 8;
  while (r->pos < r->end && !r->error) {
    uint8_t id = byte(r);
    uint32_t size = u32(r);
    size_t start = r->pos, end = start + size;
    if (end > r->end) {
      fail(r, "section %u runs past the end of the module", id);
      return;
    }
    reader s = {r->b, start, end, NULL};
    switch (id) {
      case 1: {
        uint32_t n = u32(&s);
        m->types = calloc(n ? n : 1, sizeof *m->types);
        if (!m->types) { fail(r, "out of memory"); return; }
        m->ntypes = n;
        for (uint32_t i = 0; i < n && !s.error; i++) {
          uint8_t form = byte(&s);
          if (form != 0x60) { fail(&s, "unsupported type form 0x%x", form); break; }
          functype *t = &m->types[i];
          t->nparams = u32(&s);
          for (uint32_t k = 0; k < t->nparams && !s.error; k++) { uint8_t v = byte(&s); if (k < MAX_PARAMS) t->params[k] = v; }
          t->nresults = u32(&s);
          for (uint32_t k = 0; k < t->nresults && !s.error; k++) { uint8_t v = byte(&s); if (k < MAX_PARAMS) t->results[k] = v; }
          if (t->nparams > MAX_PARAMS) t->nparams = MAX_PARAMS;
          if (t->nresults > MAX_PARAMS) t->nresults = MAX_PARAMS;
        }
        break;
      }
      case 2: {
        for (uint32_t n = u32(&s); n > 0 && !s.error; n--) {
          char mod[128], nm[128];
          name(&s, mod, sizeof mod);
          name(&s, nm, sizeof nm);
          uint8_t kind = byte(&s);
          const char *kname = kind < 5 ? KIND_NAMES[kind] : "tag";
          functype *ft = NULL;
          if (kind == 0) {
            uint32_t t = u32(&s);
            add_func(m, &s, t);
            ft = t < m->ntypes ? &m->types[t] : NULL;
          } else if (kind == 1) { byte(&s); read_limits(&s); }
          else if (kind == 2) read_limits(&s);
          else if (kind == 3) { byte(&s); byte(&s); }
          else if (kind == 4) { byte(&s); u32(&s); }
          else { fail(&s, "unknown import kind %u", kind); break; }
          if (s.error) break;
          check_import(m, mod, nm, kind, kname, ft);
        }
        break;
      }
      case 3:
        for (uint32_t n = u32(&s); n > 0 && !s.error; n--) add_func(m, &s, u32(&s));
        break;
      case 5:
        for (uint32_t n = u32(&s); n > 0 && !s.error; n--) {
          limits l = read_limits(&s);
          if (m->memories == 0) m->memory = l;
          m->memories++;
        }
        break;
      case 7: {
        uint32_t n = u32(&s);
        m->exports = calloc(n ? n : 1, sizeof *m->exports);
        if (!m->exports) { fail(r, "out of memory"); return; }
        for (uint32_t i = 0; i < n && !s.error; i++) {
          name(&s, m->exports[i].name, sizeof m->exports[i].name);
          m->exports[i].kind = byte(&s);
          m->exports[i].index = u32(&s);
          m->nexports = i + 1;
        }
        break;
      }
      case 10:
        scan_code(m, &s);
        break;
      default:
        break;
    }
    if (s.error) {
      r->error = s.error;
      return;
    }
    r->pos = end;
  }
}

static void check(module_info *m, uint64_t cap) {
  if (m->refusal) return;
  if (m->memories != 1) { refuse(m, "must define exactly one memory, defines %u", m->memories); return; }
  if (m->memory.memory64 || m->memory.shared) { refuse(m, "memory must be a 32-bit, unshared memory"); return; }
  if (!m->memory.has_max) { refuse(m, "memory declares no maximum; build with --maximumMemory (cap %llu bytes)", (unsigned long long)cap); return; }
  if (m->memory.max * PAGE > cap) {
    refuse(m, "memory maximum %llu bytes (%llu pages) exceeds the host cap of %llu bytes",
           (unsigned long long)(m->memory.max * PAGE), (unsigned long long)m->memory.max, (unsigned long long)cap);
    return;
  }
  for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++) {
    const required_export *want = &REQUIRED[i];
    uint32_t k;
    for (k = 0; k < m->nexports; k++) if (strcmp(m->exports[k].name, want->name) == 0) break;
    if (k == m->nexports) { refuse(m, "missing export %s", want->name); return; }
    uint8_t kind = m->exports[k].kind;
    const char *wkind = want->is_memory ? "memory" : "function";
    if (kind != (want->is_memory ? 2 : 0)) { refuse(m, "export %s is a %s, expected a %s", want->name, kind < 5 ? KIND_NAMES[kind] : "tag", wkind); return; }
    if (!want->is_memory) {
      functype exp = {{0x7f}, {0x7f}, want->nparams, 1};
      uint32_t fi = m->exports[k].index;
      char got[128], es[128];
      if (fi < m->nfuncs && m->func_types[fi] < m->ntypes) sig_text(&m->types[m->func_types[fi]], got, sizeof got);
      else strcpy(got, "?");
      sig_text(&exp, es, sizeof es);
      if (strcmp(got, es) != 0) { refuse(m, "export %s has signature %s, expected %s", want->name, got, es); return; }
    }
  }
  if (m->uses_float) {
    refuse(m, "uses floating point; decisions must be integer-only for determinism");
    return;
  }
  static const char *const RESERVED[] = {"hw_fuel_set", "hw_fuel_left", "hw_start"};
  for (size_t i = 0; i < 3; i++) {
    for (uint32_t k = 0; k < m->nexports; k++) {
      if (!strcmp(m->exports[k].name, RESERVED[i])) {
        refuse(m, "export %s is reserved for the host's fuel instrumentation", RESERVED[i]);
        return;
      }
    }
  }
}

char *hw_wasm_check(const uint8_t *bytes, size_t len, uint64_t cap_bytes, int log_capability) {
  module_info m = {0};
  m.log = log_capability;
  reader r = {bytes, 0, len, NULL};
  read_module(&m, &r);
  char *result;
  if (r.error) {
    result = r.error;
    free(m.refusal);
  } else {
    check(&m, cap_bytes);
    result = m.refusal;
  }
  free(m.types);
  free(m.func_types);
  free(m.exports);
  return result;
}
