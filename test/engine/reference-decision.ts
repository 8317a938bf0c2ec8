// The decision's sentences as the engine wrote them eagerly before they were built on demand
// (host/engine/decision.ts at 47428de, unchanged): what the on-demand decision must still say.
import { Subject, Verdict, NONE } from '../../host/abi/generated.js';
import type { Rejection, Ranked } from '../../host/engine/decision.js';
import type { ExplainEntry } from '../../host/engine/outcome.js';
import { reasonText } from '../../host/engine/reason-text.js';
import type { PolicyIdentity } from '../../host/module/policy-module.js';
import type { Platform } from '../../host/platform/types.js';

interface ReferenceSentences { chosen: number; fallbacks: string[]; rejected: Rejection[]; ranking: Ranked[]; failure: string | null; policy: PolicyIdentity }

export function referenceDecisionFrom(platform: Platform, explains: ExplainEntry[], policy: PolicyIdentity, roundedSize: (h: number) => bigint, codeName: (c: number) => string): ReferenceSentences {
  const out: ReferenceSentences = { chosen: -1, fallbacks: [], rejected: [], ranking: [], failure: null, policy };
  const { rejected, ranking, fallbacks } = out;
  for (const e of explains) {
    const ctx = { platform, code: e.code, heap: e.heap, device: e.device, detail: e.detail };
    if (e.subject === Subject.HEAP && e.heap < platform.heaps.length) {
      const heap = platform.heaps[e.heap]!.name;
      if (e.verdict === Verdict.REJECTED) {
        rejected.push({ heap, device: e.device !== NONE ? platform.devices[e.device]?.name ?? null : null, reason: reasonText({ ...ctx, rounded: roundedSize(e.heap) }), code: codeName(e.code) });
      } else if (e.verdict === Verdict.CHOSEN) {
        out.chosen = e.heap;
        ranking.push({ heap, reason: reasonText(ctx), code: codeName(e.code) });
      } else if (e.verdict === Verdict.FALLBACK) {
        fallbacks.push(heap);
        ranking.push({ heap, reason: reasonText(ctx), code: codeName(e.code) });
      }
    } else if (e.subject === Subject.BUFFER && e.verdict === Verdict.REJECTED) {
      out.failure = reasonText(ctx);
    }
  }
  return out;
}
