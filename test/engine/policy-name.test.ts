// A policy spec that is neither a file nor a built-in name: the message lists the built-ins.
import { describe, it, expect } from 'vitest';
import { InputError } from '../../host/errors.js';
import { loadPolicyFile } from '../../host/module/load-file.js';

describe('loadPolicyFile with an unknown name', () => {
  it('a bare name lists the built-in policies', async () => {
    const p = loadPolicyFile('nosuch');
    await expect(p).rejects.toThrow(InputError);
    await expect(loadPolicyFile('nosuch')).rejects.toThrow('nosuch: cannot read policy module: not a file, and not a built-in policy (default, naive, android-compat, libcamera-compat, vendor-secure-video; NAME.debug for a debug build)');
  });

  it('a path or a .wasm name keeps the plain file error', async () => {
    await expect(loadPolicyFile('nosuch.wasm')).rejects.toThrow('nosuch.wasm: cannot read policy module: ENOENT');
    await expect(loadPolicyFile('./nosuch')).rejects.toThrow('./nosuch: cannot read policy module: ENOENT');
    await expect(loadPolicyFile('dir/nosuch')).rejects.toThrow('dir/nosuch: cannot read policy module: ENOENT');
  });
});
