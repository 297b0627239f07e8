import Redis from 'ioredis';
import { SIGNATURE_REJECT_REASONS, channels, createSigner } from '@clustr/protocol';
import type { RunningFixture } from './harness';

/**
 * The integration suites that hold the seed's promises (messaging, kill,
 * confirmations, cluster info, supervision, reload, SIGTERM) run twice: as they
 * are (jest project `integration`), and with a secret (`integration:signed`,
 * whose setup file puts a fresh one in CLUSTR_SECRET, so every process a test
 * starts, and every Worker it creates in jest, signs and verifies). The tests
 * are the same. In the signed run, the frames of the master and control
 * channels of every namespace a test uses (registrations, deregistrations,
 * cluster-info requests from every process; announcements and membership from
 * the master) are captured and must verify with that secret, and no process may
 * report a frame dropped for its signature. User channels are not tapped: a
 * listener there would count among the receivers an emit resolves to, which the
 * tests assert; their frames are verified by the receivers the tests watch.
 */
export const RUN_SECRET: string | undefined = process.env['CLUSTR_IT_SECRET'] || undefined;

const SIGNATURE_REASONS = new Set<string>(SIGNATURE_REJECT_REASONS);

interface Tap {
  client: Redis;
  frames: number;
  unverified: Array<{ channel: string; raw: string }>;
}

const taps = new Map<string, Tap>();
const fixtures: RunningFixture[] = [];

/** In the signed run, captures the frames of `namespace`'s master and control channels until the test ends (checked by checkSignedRun). */
export function watchNamespace(namespace: string): void {
  if (RUN_SECRET === undefined || taps.has(namespace)) return;
  const signer = createSigner(RUN_SECRET);
  const client = new Redis(process.env['CLUSTR_REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const tap: Tap = { client, frames: 0, unverified: [] };
  client.on('message', (channel: string, raw: string) => {
    tap.frames++;
    if (!signer.verify(channel, raw).ok) tap.unverified.push({ channel, raw });
  });
  const names = channels(namespace);
  void client.subscribe(names.master, names.control).catch(() => undefined);
  taps.set(namespace, tap);
}

/** In the signed run, remembers a fixture so its error reports are checked when the test ends. */
export function watchFixture(fixture: RunningFixture): void {
  if (RUN_SECRET !== undefined) fixtures.push(fixture);
}

/**
 * After each test of the signed run: every captured frame verified, some were
 * captured (the run is really signed), and no fixture reported a frame dropped
 * as unsigned, bad_signature, stale or replayed.
 */
export async function checkSignedRun(): Promise<void> {
  const all = [...taps.values()];
  taps.clear();
  const watched = fixtures.splice(0);
  await Promise.all(all.map((tap) => tap.client.quit().catch(() => tap.client.disconnect())));
  expect(all.flatMap((tap) => tap.unverified)).toEqual([]);
  if (all.length > 0) expect(all.reduce((n, tap) => n + tap.frames, 0)).toBeGreaterThan(0);
  const dropped = watched.flatMap((fx) => fx.events.filter((e) => e.ev === 'error' && SIGNATURE_REASONS.has(String(e['reason']))));
  expect(dropped).toEqual([]);
}

/**
 * A frame text as a raw Redis client in a test sends it: as it is, or in the
 * signed run with `ts` and `sig` added as a process holding the secret would,
 * so a test of what the decoder or dispatcher does with a frame means the same
 * in both runs.
 */
export function asPublished(channel: string, text: string): string {
  if (RUN_SECRET === undefined) return text;
  // Only an object can be signed; text that is not one gets a closing brace and stays what it was (not JSON).
  const stamped = text.startsWith('{') && text.endsWith('}') ? `${text.slice(0, -1)},"ts":${Date.now()}}` : `${text}}`;
  return createSigner(RUN_SECRET).sign(channel, stamped);
}
