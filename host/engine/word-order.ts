// The event and answer codecs read and write the ABI's little-endian words through typed arrays,
// which use the machine's byte order: they take that path only where the two agree.
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
