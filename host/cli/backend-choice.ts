// --backend model|kernel.
import type { Backend } from '../backend/backend.js';
import { KernelUnavailableError, kernelRefusal } from '../backend/availability.js';
import { ModelBackend } from '../backend/model.js';
import { InputError } from '../errors.js';
import type { Platform } from '../platform/types.js';
import { probe } from '../probe/probe.js';

/**
 * The backend a session runs on. The kernel backend is refused (KernelUnavailableError, exit 6)
 * before anything runs when this machine lacks a node the platform's heaps need or the addon.
 */
export async function createBackend(name: string, platform?: Platform): Promise<Backend> {
  if (name === 'model') return new ModelBackend();
  if (name === 'kernel') {
    if (platform) {
      const why = kernelRefusal(platform, probe());
      if (why) throw new KernelUnavailableError(why);
    }
    const { KernelBackend } = await import('../backend/kernel.js');
    try {
      return new KernelBackend();
    } catch (e) {
      throw new KernelUnavailableError((e as Error).message);
    }
  }
  throw new InputError('--backend', '', `unknown backend "${name}" (model or kernel)`);
}
