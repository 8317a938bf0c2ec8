// The decision of a PLACE answer in the JSON shape of schemas/decision.schema.json.
import { Subject, Verdict, NONE } from '../abi/generated.js';
import type { Platform } from '../platform/types.js';
import type { PolicyIdentity } from '../module/policy-module.js';
import type { ExplainEntry } from './outcome.js';
import { reasonText } from './reason-text.js';

export interface Rejection {
  heap: string;
  device: string | null;
  reason: string;
  /** The Reason code name (DMA_MASK, ...), for programs. */
  code: string;
}

export interface Ranked {
  heap: string;
  reason: string;
  code: string;
}

export interface Attempt {
  heap: string;
  errno: number;
  code: string;
}

export interface Decision {
  heap: string | null;
  fallbacks: string[];
  size: number;
  fdFlags: number;
  name: string | null;
  rejected: Rejection[];
  policy: PolicyIdentity;
  /** Why the chosen heap and each fallback rank where they do. */
  ranking: Ranked[];
  /** Heaps tried that failed at allocation time (ENOMEM...), in order. */
  attempts: Attempt[];
  /** When heap is null: why nothing fit. */
  failure: string | null;
}

export function decisionFrom(
  platform: Platform,
  explains: ExplainEntry[],
  policy: PolicyIdentity,
  roundedSize: (h: number) => bigint,
  codeName: (c: number) => string,
): Omit<Decision, 'heap' | 'size' | 'fdFlags' | 'name' | 'attempts'> & { chosen: number } {
  const rejected: Rejection[] = [];
  const ranking: Ranked[] = [];
  const fallbacks: string[] = [];
  let chosen = -1;
  let failure: string | null = null;
  for (const e of explains) {
    const ctx = { platform, code: e.code, heap: e.heap, device: e.device, detail: e.detail };
    if (e.subject === Subject.HEAP && e.heap < platform.heaps.length) {
      const heap = platform.heaps[e.heap]!.name;
      if (e.verdict === Verdict.REJECTED) {
        rejected.push({ heap, device: e.device !== NONE ? platform.devices[e.device]?.name ?? null : null, reason: reasonText({ ...ctx, rounded: roundedSize(e.heap) }), code: codeName(e.code) });
      } else if (e.verdict === Verdict.CHOSEN) {
        chosen = e.heap;
        ranking.push({ heap, reason: reasonText(ctx), code: codeName(e.code) });
      } else if (e.verdict === Verdict.FALLBACK) {
        fallbacks.push(heap);
        ranking.push({ heap, reason: reasonText(ctx), code: codeName(e.code) });
      }
    } else if (e.subject === Subject.BUFFER && e.verdict === Verdict.REJECTED) {
      failure = reasonText(ctx);
    }
  }
  return { chosen, fallbacks, rejected, ranking, failure, policy };
}
