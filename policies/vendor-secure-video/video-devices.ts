// Which buffers are video buffers: those a video block of the vendor's SoC attaches (secure
// demux, decoder, encoder, post-processor). The platform format has no device class, and a
// vendor policy is built for its own device tree, so the device names are compiled in. The
// display is not a video block: it scans out UI planes as well as video frames.
import { deviceCount, NONE } from '../../asm/index';
import { deviceNameIs } from './device-name';

const VIDEO_DEVICES: StaticArray<string> = ['tsp', 'vdec', 'venc', 'vpp'];

function isVideoDevice(d: u32): bool {
  for (let i = 0; i < VIDEO_DEVICES.length; i++) if (deviceNameIs(d, VIDEO_DEVICES[i])) return true;
  return false;
}

/** The first video device among `devices`, or NONE: the buffer is a video buffer when there is one. */
export function videoDevice(devices: u64): u32 {
  for (let d: u32 = 0; d < deviceCount(); d++) {
    if ((devices & ((<u64>1) << d)) != 0 && isVideoDevice(d)) return d;
  }
  return NONE;
}
