// heapwise test-policy: a pass/fail table for any module.
import Table from 'cli-table3';
import { EXIT } from '../errors.js';
import { loadPolicyFile } from '../module/load-file.js';
import { testPolicy } from '../authoring/test-policy.js';

export async function testPolicyCommand(file: string, opts: { json?: boolean; log?: boolean }): Promise<number> {
  // Any module, debug or not: a debug build gets its log sink whether or not --log is given
  // (its lines are collected, never printed), so the table judges the policy, not the flag.
  const mod = await loadPolicyFile(file, { logCapability: true });
  const results = testPolicy(mod);
  const failed = results.filter((r) => !r.ok).length;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ module: mod.label, sha256: mod.sha256, results, passed: results.length - failed, failed }, null, 2)}\n`);
  } else {
    const t = new Table({ head: ['check', 'subject', 'result', 'detail'], chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [] }, wordWrap: true, colWidths: [18, 34, 8, 70] });
    for (const r of results) t.push([r.check, r.subject, r.ok ? 'pass' : 'FAIL', r.detail]);
    process.stdout.write(`${t.toString()}\n${mod.label}: ${results.length - failed} passed, ${failed} failed\n`);
  }
  return failed ? EXIT.VIOLATIONS : EXIT.OK;
}
