// The hw_* exports every policy module has. A policy re-exports them (`export * from`);
// register() (rules.ts) supplies its identity and rules.
import { ABI_MAJOR, ABI_MINOR, EVENT_SIZE, EventKind, Event, Status } from './abi/generated';
import { input, output, nameBlob, versionBlob, resetOutput } from './io';
import { placeRule, syncRule } from './rules';
import { loadPlatform } from './platform';
import { placement } from './placement';
import { sync } from './domain';

export function hw_abi_version(): i32 { return (ABI_MAJOR << 16) | ABI_MINOR; }
export function hw_policy_name(): i32 { return <i32>nameBlob; }
export function hw_policy_version(): i32 { return <i32>versionBlob; }
export function hw_input(): i32 { return <i32>input; }
export function hw_output(): i32 { return <i32>output; }

export function hw_init(len: i32): i32 {
  return loadPlatform(input, <u32>len) ? Status.OK : Status.BAD_INPUT;
}

export function hw_event(len: i32): i32 {
  if (<usize>len < EVENT_SIZE) return Status.BAD_INPUT;
  const ev = Event.at(input);
  resetOutput();
  if (ev.kind == EventKind.PLACE) {
    sync.begin(ev);
    placement.begin(ev);
    placeRule(placement);
    placement.commit();
  } else {
    sync.begin(ev);
    syncRule(sync);
  }
  return Status.OK;
}
