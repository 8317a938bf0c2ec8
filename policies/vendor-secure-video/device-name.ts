// Device name comparison: the SDK has heapNameIs for heaps but only deviceNamePtr for devices.
import { device, deviceNamePtr } from '../../asm/index';

/** True when device d's name equals s (ASCII). */
export function deviceNameIs(d: u32, s: string): bool {
  const dev = device(d);
  if (dev.nameLen != <u32>s.length) return false;
  const p = deviceNamePtr(d);
  for (let k: u32 = 0; k < dev.nameLen; k++) if (<i32>load<u8>(p + <usize>k) != s.charCodeAt(<i32>k)) return false;
  return true;
}
