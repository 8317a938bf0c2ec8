// The policy's identity and rules, set once by register() from the policy's top level.
import { nameBlob, versionBlob, writeAsciiBlob } from './io';
import { Placement } from './placement';
import { SyncPlan, planLazy } from './domain';

export let placeRule: (p: Placement) => void = (p: Placement): void => {};
export let syncRule: (s: SyncPlan) => void = planLazy;

/** Declares the policy: name (at most 64 ASCII bytes), semver, its placement and sync rules. */
export function register(name: string, version: string, place: (p: Placement) => void, plan: (s: SyncPlan) => void): void {
  writeAsciiBlob(nameBlob, name, 64);
  writeAsciiBlob(versionBlob, version, 32);
  placeRule = place;
  syncRule = plan;
}
