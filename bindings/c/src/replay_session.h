/* What replaying a trace needs whatever its encoding (replay.c: JSON Lines, replay_binary.c):
 * the module answering now and its instance under the trace's limits, the modules a swap may
 * name, the first divergence. */
#ifndef HW_REPLAY_SESSION_H
#define HW_REPLAY_SESSION_H

#include "error.h"
#include "platform.h"
#include "policy_instance.h"
#include "trace.h"

typedef struct replay {
  const char *path;
  const char *unit; /* "line" (JSON Lines) or "record" (binary): what a divergence's position counts */
  hw_error_t **error;
  const hw_policy_t *given;
  const hw_replay_options_t *opts;
  hw_policy_t *current;  /* reference: the module answering now */
  /* The manifest enforced on its answers: the one the trace recorded when it is the recorded
   * module (version 2), else its own, so a recording replays the same without its manifest file. */
  const hw_manifest *manifest;
  hw_manifest *recorded; /* owned: the recorded manifest of the policy the trace names now */
  hw_policy_t *builtin;  /* loaded when a swap names it */
  hw_platform_t *platform;
  hw_instance *inst;     /* NULL after a fault: the next event gets a fresh one */
  uint32_t fuel, op_cap; /* the header's limits */
  hw_outcome *out;
  hw_text why;
  hw_fault fault;
  hw_replay_result_t *result;
  /* What the module did with the pending event: its answer line, or the fault kind. */
  hw_text actual;
  const char *actual_fault;
} replay;

/* The header's limits: the op cap as recorded (0 included, as the Node replay takes it), and the fuel budget the recording host enforced (fuel runs
 * out at the same event here; 0, a trace of an unmetered host, leaves the policy's own). */
void hw_replay_limits(replay *r, int64_t fuel, int64_t op_cap);
/* A fresh instance of the current module, given the platform, under the trace's budget. */
hw_status_t hw_replay_fresh_instance(replay *r);
/* The module a swap names, by sha256: the given policy, a candidate, or the built-in; NULL. */
hw_policy_t *hw_replay_find_module(replay *r, const char *sha256);
/* Switches to `next` with a fresh instance. */
hw_status_t hw_replay_switch(replay *r, hw_policy_t *next);
/* The policy the trace names at this point (header, or a swap once switched): in a version 2
 * trace (`known`) its manifest `m` (taken over; NULL: it had none) holds for the module with its
 * sha256; r->manifest becomes what the current module answers under. */
void hw_replay_enforce(replay *r, int known, const char *sha256, hw_manifest *m);
/* After hw_instance_event returned `st` for event i (rec: the event's fields): the answer read
 * from the output region, validated as the engine does, as r->actual (its answer line), or
 * r->actual_fault (the fault kind, "invalid-op" with the reason in r->why). */
void hw_replay_judge(replay *r, hw_status_t st, uint32_t i, const hw_event_record *rec);
/* The fault r->actual_fault as divergence text: "fault (kind): message". malloc'd, or NULL. */
char *hw_replay_fault_text(replay *r);
/* Records the first divergence (line: of the expected record) and returns HW_ERR_DIVERGED. */
hw_status_t hw_replay_diverged(replay *r, uint32_t event, unsigned long line, const char *expected, const char *actual);
/* A divergence found, the rest of the trace is still checked (fields and order, no replay): a
 * damaged trace is bad input (exit 2) whatever the policy answered. hw_replay_hold sets the
 * divergence's error aside; hw_replay_settle, given the status of checking the rest, returns the
 * divergence when the rest is sound, else that status (the divergence dropped). */
void hw_replay_hold(replay *r, hw_error_t **held);
hw_status_t hw_replay_settle(replay *r, hw_status_t rest, hw_error_t *held);
/* Frees what the session holds (not the result). */
void hw_replay_release(replay *r);

/* The replay of a binary trace (replay_binary.c); r set up, the file not yet opened. */
hw_status_t hw_replay_binary(replay *r);

#endif
