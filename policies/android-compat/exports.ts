// The SDK's hw_* exports, with one step added to PLACE answers: name the buffer after its heap.
import { hw_event as sdkEvent } from '../../asm/exports';
import { Event, EventKind, Status } from '../../asm/index';
import { input } from '../../asm/io';
import { nameAfterHeap } from './heap-name-tag';
export { hw_abi_version, hw_policy_name, hw_policy_version, hw_input, hw_output, hw_init } from '../../asm/exports';

export function hw_event(len: i32): i32 {
  const status = sdkEvent(len);
  if (status == Status.OK && Event.at(input).kind == EventKind.PLACE) nameAfterHeap();
  return status;
}
