/** Scenario 3: what validation costs per frame, in process. */
import type { BenchContext } from '../lib/context';
import { forkChild } from '../lib/proc';
import { figure, type Figure } from '../lib/report';

export async function codec(ctx: BenchContext): Promise<Figure[]> {
  const proc = forkChild('micro-codec', 'micro-codec.js', { ...ctx.sizes.micro });
  try {
    const done = await proc.waitFor('done', 120_000);
    const m = done['medians'] as Record<'jsonParse' | 'decode' | 'jsonStringify' | 'encode', number>;
    const detail = { bytes: done['bytes'], frame: done['frame'], ...ctx.sizes.micro, rounds: done['rounds'] };
    ctx.log(`  decode ${m.decode.toFixed(0)} ns vs JSON.parse ${m.jsonParse.toFixed(0)} ns; encode ${m.encode.toFixed(0)} ns vs JSON.stringify ${m.jsonStringify.toFixed(0)} ns`);
    return [
      figure({
        scenario: 'codec',
        id: 'codec.decode',
        label: `decode a ${String(done['bytes'])}-byte frame (median of ${ctx.sizes.micro.rounds} rounds)`,
        unit: 'ns/frame',
        better: 'lower',
        clustr: m.decode,
        baselines: [{ name: 'JSON.parse', value: m.jsonParse }],
        target: { kind: 'ratioAtMost', value: 1.2 },
        detail,
      }),
      figure({
        scenario: 'codec',
        id: 'codec.encode',
        label: 'encode the same frame',
        unit: 'ns/frame',
        better: 'lower',
        clustr: m.encode,
        baselines: [{ name: 'JSON.stringify', value: m.jsonStringify }],
        detail,
      }),
    ];
  } finally {
    await proc.stop('SIGTERM', 5_000);
  }
}
