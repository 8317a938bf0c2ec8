// The decision of a PLACE answer in the JSON shape of schemas/decision.schema.json.
import { Subject, Verdict, NONE, Reason, ReasonName } from '../abi/generated.js';
import type { Platform } from '../platform/types.js';
import type { PolicyIdentity } from '../module/policy-module.js';
import type { ExplainEntry } from './outcome.js';
import { reasonText } from './reason-text.js';
import { roundedSize } from './rounding.js';

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
    // Context objects built in place (no spreads): this runs for every heap of every decision read.
    if (e.subject === Subject.HEAP && e.heap < platform.heaps.length) {
      const heap = platform.heaps[e.heap]!.name;
      if (e.verdict === Verdict.REJECTED) {
        // Only a capacity reason quotes the rounded size.
        const rounded = e.code === Reason.TOO_LARGE ? roundedSize(e.heap) : undefined;
        const reason = reasonText({ platform, code: e.code, heap: e.heap, device: e.device, detail: e.detail, rounded });
        rejected.push({ heap, device: e.device !== NONE ? platform.devices[e.device]?.name ?? null : null, reason, code: codeName(e.code) });
      } else if (e.verdict === Verdict.CHOSEN) {
        chosen = e.heap;
        ranking.push({ heap, reason: reasonText({ platform, code: e.code, heap: e.heap, device: e.device, detail: e.detail }), code: codeName(e.code) });
      } else if (e.verdict === Verdict.FALLBACK) {
        fallbacks.push(heap);
        ranking.push({ heap, reason: reasonText({ platform, code: e.code, heap: e.heap, device: e.device, detail: e.detail }), code: codeName(e.code) });
      }
    } else if (e.subject === Subject.BUFFER && e.verdict === Verdict.REJECTED) {
      failure = reasonText({ platform, code: e.code, heap: e.heap, device: e.device, detail: e.detail });
    }
  }
  return { chosen, fallbacks, rejected, ranking, failure, policy };
}

/** What a PLACE answer fixed, kept so the decision's sentences can be written when first read. */
export interface DecisionFacts {
  platform: Platform;
  policy: PolicyIdentity;
  /** The answer's explanations as raw words (4 per entry), copied out of the module's memory. */
  explainWords: readonly number[];
  /** The request's size and devices at the time of the decision (for capacity sentences). */
  requested: bigint;
  devices: bigint;
  heap: string | null;
  size: number;
  fdFlags: number;
  name: string | null;
  attempts: Attempt[];
  /** FAIL's Reason code when nothing fit. */
  failReason: number;
}

function explainsOf(w: readonly number[]): ExplainEntry[] {
  const out: ExplainEntry[] = [];
  for (let at = 0; at + 4 <= w.length; at += 4) {
    const head = w[at]!;
    out.push({ subject: head & 0xff, verdict: (head >>> 8) & 0xff, code: head >>> 16, heap: w[at + 1]!, device: w[at + 2]!, detail: w[at + 3]! });
  }
  return out;
}

/** The Decision a PLACE answer made, sentences included (what decisionFrom gives, in the same field order). */
export function decisionFromFacts(f: DecisionFacts): Decision {
  const p = f.platform;
  const d = decisionFrom(p, explainsOf(f.explainWords), f.policy, (h) => roundedSize(p, f.requested, f.devices, h), (c) => ReasonName[c] ?? String(c));
  if (f.heap === null) {
    return {
      heap: null, fallbacks: [], size: 0, fdFlags: 0, name: null, rejected: d.rejected, policy: d.policy,
      ranking: [], attempts: f.attempts, failure: d.failure ?? `no heap fits (${ReasonName[f.failReason] ?? f.failReason})`,
    };
  }
  return {
    heap: f.heap, fallbacks: d.fallbacks, size: f.size, fdFlags: f.fdFlags, name: f.name, rejected: d.rejected, policy: d.policy,
    ranking: d.ranking, attempts: f.attempts, failure: null,
  };
}
