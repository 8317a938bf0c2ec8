// --backend model|kernel.
import type { Backend } from '../backend/backend.js';
import { ModelBackend } from '../backend/model.js';
import { InputError } from '../errors.js';

export async function createBackend(name: string): Promise<Backend> {
  if (name === 'model') return new ModelBackend();
  if (name === 'kernel') {
    const { KernelBackend } = await import('../backend/kernel.js');
    return new KernelBackend();
  }
  throw new InputError('--backend', '', `unknown backend "${name}" (model or kernel)`);
}
