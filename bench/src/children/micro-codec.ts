/**
 * In-process microbenchmark of the protocol codec against plain JSON, run in a
 * fresh process so nothing else the bench did has warmed or polluted the heap.
 * Each round times `iterations` calls of each contender, alternating which goes
 * first; the first rounds are warm-up, the figure is the median of the rest.
 */
import { createFrameIds, decode, encode, type Frame } from '@clustr/protocol';
import { fail, params, send } from './common';

interface Params {
  rounds: number;
  warmupRounds: number;
  iterations: number;
}

const p = params<Params>();

/** A private frame of about 130 bytes on the wire, as clustr would write it. */
function sampleFrame(): { frame: Frame; raw: string } {
  const nextId = createFrameIds(48213);
  const frame = { v: 2, kind: 'private', id: nextId(), meta: { pid: 48213, group: 'web', instance: 'k3x9Qa8b' }, seq: 12345, data: { seq: 12345678 } } as Frame;
  return { frame, raw: encode(frame) };
}

function nsPerOp(iterations: number, fn: (i: number) => number): { ns: number; sink: number } {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += fn(i);
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  return { ns, sink };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): void {
  const { frame, raw } = sampleFrame();
  const check = decode(raw);
  if (!check.ok) throw new Error(`sample frame does not decode: ${check.message}`);

  const contenders: Record<string, (i: number) => number> = {
    jsonParse: () => (JSON.parse(raw) as { v: number }).v,
    decode: () => (decode(raw).ok ? 1 : 0),
    jsonStringify: () => JSON.stringify(frame).length,
    encode: () => encode(frame).length,
  };
  const results: Record<string, number[]> = {};
  let sink = 0;
  const names = Object.keys(contenders);
  for (let round = 0; round < p.warmupRounds + p.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const r = nsPerOp(p.iterations, contenders[name]!);
      sink += r.sink;
      if (round >= p.warmupRounds) (results[name] ??= []).push(r.ns);
    }
  }
  send({
    ev: 'done',
    bytes: Buffer.byteLength(raw),
    frame: raw,
    medians: Object.fromEntries(names.map((name) => [name, median(results[name]!)])),
    rounds: results,
    sink,
  });
}

try {
  main();
} catch (error) {
  fail(error);
}
