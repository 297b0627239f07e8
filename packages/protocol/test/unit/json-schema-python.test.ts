import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROTOCOL_VERSION, decode } from '../../src';
import { ALL_SAMPLES, isGood } from '../fixtures/samples';

// Debian's python3-jsonschema lives in the system Python; a pyenv `python3` on PATH usually lacks it.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = path.join(__dirname, '..', 'python', 'validate.py');
const SCHEMA = path.join(__dirname, '..', '..', 'schema', `envelope.v${PROTOCOL_VERSION}.json`);
const INSTALL = 'Install it with `apt-get install python3-jsonschema` (this check is never skipped).';

type Verdict = 'valid' | 'invalid';

function runPython(items: unknown[]): Verdict[] {
  const result = spawnSync(PYTHON, [SCRIPT, SCHEMA], { input: JSON.stringify(items), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw new Error(`could not run ${PYTHON} (${result.error.message}): the cross-language check needs python3 with jsonschema. ${INSTALL}`);
  }
  if (result.status === 3) throw new Error(`${PYTHON} has no jsonschema library: ${result.stderr.trim()}. ${INSTALL}`);
  if (result.status !== 0) throw new Error(`${SCRIPT} failed with status ${String(result.status)}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Verdict[];
}

const asItem = (raw: string | Buffer): unknown => (typeof raw === 'string' ? raw : { base64: raw.toString('base64') });

describe('the exported JSON Schema, read by Python jsonschema (Draft7Validator)', () => {
  const samples = ALL_SAMPLES.filter((s) => s.crossCheck);

  test('has at least 30 cross-checked samples, good and bad', () => {
    expect(samples.length).toBeGreaterThanOrEqual(30);
    expect(samples.filter(isGood).length).toBeGreaterThanOrEqual(10);
    expect(samples.filter((s) => !isGood(s)).length).toBeGreaterThanOrEqual(20);
  });

  test('agrees with decode() on every cross-checked sample', () => {
    const verdicts = runPython(samples.map((s) => asItem(s.raw)));
    expect(verdicts).toHaveLength(samples.length);
    const mismatches = samples.flatMap((sample, i) => {
      const ours: Verdict = decode(sample.raw).ok ? 'valid' : 'invalid';
      const table: Verdict = isGood(sample) ? 'valid' : 'invalid';
      return verdicts[i] === ours && ours === table ? [] : [`${sample.name}: python ${String(verdicts[i])}, decode ${ours}, table ${table}`];
    });
    expect(mismatches).toEqual([]);
  });

  test('the script itself rejects what Python\'s json would let through', () => {
    const frame = '{"v":2,"kind":"public","id":"a","meta":{"pid":1,"group":"web"},"data":%}';
    const items = [
      frame.replace('%', '1'),
      frame.replace('%', 'NaN'),
      frame.replace('%', 'Infinity'),
      frame.replace('%', '-Infinity'),
      { base64: Buffer.concat([Buffer.from(frame.replace('%', '"')), Buffer.from([0xff]), Buffer.from('"}')]).toString('base64') },
      frame.replace('%', '1').replace('"web"', '"web\\n"'),
    ];
    expect(runPython(items)).toEqual(['valid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
  });
});
