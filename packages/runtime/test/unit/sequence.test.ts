// Sequence numbers on their own: the sender's counters and the receiver's verdicts.
import { MAX_TRACKED_STREAMS, RESTART_SILENCE_MS, SENDER_IDLE_MS, SequenceNumbers, SequenceTracker } from '../../src/transport/sequence';

let now = 0;
beforeEach(() => {
  now = 0;
});
const tracker = (): SequenceTracker => new SequenceTracker(() => now);

describe('SequenceNumbers (the sender)', () => {
  test('counts from 1 per channel, independently', () => {
    const seqs = new SequenceNumbers(() => 0);
    expect([seqs.take('a'), seqs.take('a'), seqs.take('b'), seqs.take('a'), seqs.take('b')]).toEqual([1, 2, 1, 3, 2]);
    expect(seqs.size).toBe(2);
  });

  test('forgets channels idle for SENDER_IDLE_MS once it holds MAX_TRACKED_STREAMS, and starts them again at 1', () => {
    let now = 0;
    const seqs = new SequenceNumbers(() => now);
    for (let i = 0; i < MAX_TRACKED_STREAMS; i++) seqs.take(`old:${i}`);
    seqs.take('old:0');
    now = SENDER_IDLE_MS - 1;
    seqs.take('busy');
    expect(seqs.size).toBe(MAX_TRACKED_STREAMS + 1);
    now = SENDER_IDLE_MS + 1;
    // The sweep runs when a new channel would pass the bound; every `old:*` is idle by now, `busy` is not.
    seqs.take('new');
    expect(seqs.size).toBe(2);
    expect(seqs.take('busy')).toBe(2);
    expect(seqs.take('old:0')).toBe(1);
  });

  test('the sweep starts once it holds exactly MAX_TRACKED_STREAMS, and a channel idle exactly SENDER_IDLE_MS is forgotten', () => {
    const seqs = new SequenceNumbers(() => now);
    for (let i = 0; i < MAX_TRACKED_STREAMS - 1; i++) seqs.take(`old:${i}`);
    // One below the bound: nothing is forgotten, however idle.
    now = 2 * SENDER_IDLE_MS;
    seqs.take('late');
    expect(seqs.size).toBe(MAX_TRACKED_STREAMS);
    expect(seqs.take('old:0')).toBe(2);
    now += 1;
    expect(seqs.take('old:1')).toBe(2);
    // At the bound, the next new channel sweeps first: idle exactly SENDER_IDLE_MS ('late', 'old:0') is idle enough, a ms less ('old:1') is not.
    now = 3 * SENDER_IDLE_MS;
    expect(seqs.take('new')).toBe(1);
    expect(seqs.size).toBe(2);
    expect(seqs.take('old:1')).toBe(3);
    expect(seqs.take('old:0')).toBe(1);
    expect(seqs.take('late')).toBe(1);
    expect(seqs.take('new')).toBe(2);
  });
});

describe('SequenceTracker (the receiver)', () => {
  test('the first frame of a stream sets its start (no gap), then +1 is in order, a jump is a gap, a repeat is a duplicate', () => {
    const t = tracker();
    expect(t.check(7, 'i', 'ch', 40)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'i', 'ch', 41)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'i', 'ch', 45)).toEqual({ kind: 'gap', missed: 3 });
    expect(t.check(7, 'i', 'ch', 45)).toEqual({ kind: 'duplicate' });
    expect(t.check(7, 'i', 'ch', 43)).toEqual({ kind: 'duplicate' });
    expect(t.check(7, 'i', 'ch', 46)).toEqual({ kind: 'ok' });
  });

  test('streams are per pid, instance and channel: a new run of the same pid, or another channel, starts afresh', () => {
    const t = tracker();
    t.check(7, 'run1', 'ch', 10);
    expect(t.check(7, 'run2', 'ch', 1)).toEqual({ kind: 'ok' });
    expect(t.check(8, 'run1', 'ch', 1)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'run1', 'other', 1)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'run1', 'ch', 11)).toEqual({ kind: 'ok' });
    expect(t.size).toBe(4);
  });

  test('frames without an instance or a seq (a foreign sender) are not tracked', () => {
    const t = tracker();
    for (let i = 0; i < 3; i++) {
      expect(t.check(7, undefined, 'ch', 5)).toEqual({ kind: 'ok' });
      expect(t.check(7, 'i', 'ch', undefined)).toEqual({ kind: 'ok' });
    }
    expect(t.size).toBe(0);
  });

  test('seq 1 after a higher number and a long silence is a sender that forgot an idle channel: a new start, unsigned', () => {
    const t = tracker();
    t.check(7, 'i', 'ch', 900);
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'i', 'ch', 2)).toEqual({ kind: 'ok' });
  });

  test('seq 1 soon after a higher number from the same run is a resent run (ioredis after a reconnect): every resent frame is a duplicate', () => {
    const t = tracker();
    for (let seq = 1; seq <= 5; seq++) expect(t.check(7, 'i', 'ch', seq)).toEqual({ kind: 'ok' });
    now += RESTART_SILENCE_MS - 1;
    for (let seq = 1; seq <= 5; seq++) expect(t.check(7, 'i', 'ch', seq)).toEqual({ kind: 'duplicate' });
    // The run goes on where it was.
    expect(t.check(7, 'i', 'ch', 6)).toEqual({ kind: 'ok' });
    // The silence counts from the last frame heard, duplicates included.
    now += RESTART_SILENCE_MS - 1;
    expect(t.check(7, 'i', 'ch', 1)).toEqual({ kind: 'duplicate' });
  });

  test('the first frame of a stream, delivered twice (an ioredis resend after a reconnect), is a duplicate', () => {
    const t = tracker();
    expect(t.check(7, 'i', 'ch', 1)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'i', 'ch', 1)).toEqual({ kind: 'duplicate' });
    expect(t.check(7, 'i', 'ch', 1, 5)).toEqual({ kind: 'duplicate' });
  });

  test('signed: a restart at 1 counts only when its ts is newer than the stream; a replayed first frame is a duplicate', () => {
    const t = tracker();
    expect(t.check(7, 'i', 'ch', 1, 1_000)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'i', 'ch', 2, 1_010)).toEqual({ kind: 'ok' });
    // The captured first frame, replayed: same seq, old ts.
    expect(t.check(7, 'i', 'ch', 1, 1_000)).toEqual({ kind: 'duplicate' });
    // A genuine new start after the sender forgot the channel: seq 1, a newer ts, a long silence.
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 1_005)).toEqual({ kind: 'duplicate' });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 700_000)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'i', 'ch', 2, 700_010)).toEqual({ kind: 'ok' });
  });

  test(`remembers at most ${MAX_TRACKED_STREAMS} streams: past that the least recently heard tenth is forgotten, and a signed frame no newer than the newest forgotten is refused`, () => {
    const t = tracker();
    for (let i = 0; i < MAX_TRACKED_STREAMS; i++) t.check(i + 1, 'i', 'ch', 1, 5_000 + i);
    expect(t.size).toBe(MAX_TRACKED_STREAMS);
    // Touching stream 1 makes streams 2.. the least recently heard: the next new stream pushes out 2 to 1001.
    t.check(1, 'i', 'ch', 2, 6_000);
    t.check(999_999, 'i', 'ch', 1, 20_000);
    expect(t.size).toBe(MAX_TRACKED_STREAMS - MAX_TRACKED_STREAMS / 10 + 1);
    // Stream 2 (last ts 5 001) is forgotten; the newest forgotten, 1001, had ts 6 000: frames no newer can no longer be told from replays.
    expect(t.check(2, 'i', 'ch', 1, 5_001)).toEqual({ kind: 'duplicate' });
    expect(t.check(2, 'i', 'ch', 1, 6_000)).toEqual({ kind: 'duplicate' });
    expect(t.check(2, 'i', 'ch', 2, 6_001)).toEqual({ kind: 'ok' });
    // Stream 1 was kept, and so was 1002 (not among the tenth).
    expect(t.check(1, 'i', 'ch', 3, 6_002)).toEqual({ kind: 'ok' });
    expect(t.check(1002, 'i', 'ch', 2, 6_003)).toEqual({ kind: 'ok' });
  });

  test('after a long silence only seq 1 is a new start: any other number at or below the last is still a duplicate', () => {
    const t = tracker();
    for (let seq = 1; seq <= 5; seq++) t.check(7, 'i', 'ch', seq);
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 3)).toEqual({ kind: 'duplicate' });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 5)).toEqual({ kind: 'duplicate' });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1)).toEqual({ kind: 'ok' });
  });

  test('seq 1 after a last seq of 1 is the same frame twice, however long the silence', () => {
    const t = tracker();
    t.check(7, 'i', 'ch', 1);
    now += 3 * RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1)).toEqual({ kind: 'duplicate' });
    expect(t.check(7, 'i', 'ch', 2)).toEqual({ kind: 'ok' });
  });

  test('signed: a restart needs a ts strictly newer than the newest of the stream; equal is a replay', () => {
    const t = tracker();
    t.check(7, 'i', 'ch', 1, 1_000);
    t.check(7, 'i', 'ch', 2, 1_010);
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 1_010)).toEqual({ kind: 'duplicate' });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 1_011)).toEqual({ kind: 'ok' });
  });

  test('signed: the ts of a frame after a gap becomes the newest of the stream', () => {
    const t = tracker();
    t.check(7, 'i', 'ch', 1, 1_000);
    expect(t.check(7, 'i', 'ch', 5, 5_000)).toEqual({ kind: 'gap', missed: 3 });
    now += RESTART_SILENCE_MS;
    // Newer than the first frame, not than the frame after the gap: a replay.
    expect(t.check(7, 'i', 'ch', 1, 3_000)).toEqual({ kind: 'duplicate' });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 5_001)).toEqual({ kind: 'ok' });
  });

  test.each([
    ['in order', 2, { kind: 'ok' }],
    ['after a gap', 4, { kind: 'gap', missed: 2 }],
  ] as const)('signed: a frame %s with an older ts (the sender clock stepped back) does not lower the newest ts of the stream', (_label, seq, verdict) => {
    const t = tracker();
    t.check(7, 'i', 'ch', 1, 5_000);
    expect(t.check(7, 'i', 'ch', seq, 1_000)).toEqual(verdict);
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 3_000)).toEqual({ kind: 'duplicate' });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 5_001)).toEqual({ kind: 'ok' });
  });

  test('signed: a restart makes its ts the newest of the stream, even when later frames carry older ones', () => {
    const t = tracker();
    t.check(7, 'i', 'ch', 1, 1_000);
    t.check(7, 'i', 'ch', 2, 1_010);
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 9_000)).toEqual({ kind: 'ok' });
    expect(t.check(7, 'i', 'ch', 3, 2_000)).toEqual({ kind: 'gap', missed: 1 });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 5_000)).toEqual({ kind: 'duplicate' });
    now += RESTART_SILENCE_MS;
    expect(t.check(7, 'i', 'ch', 1, 9_001)).toEqual({ kind: 'ok' });
  });

  test('forgetting for room takes the least recently heard, however early a busy stream was first heard', () => {
    const t = tracker();
    // Heard first, then busy after every other stream was heard.
    t.check(1, 'i', 'busy', 1);
    for (let pid = 2; pid <= MAX_TRACKED_STREAMS; pid++) t.check(pid, 'i', 'ch', 1);
    for (let seq = 2; seq <= 9_500; seq++) t.check(1, 'i', 'busy', seq);
    t.check(999_999, 'i', 'ch', 1);
    expect(t.size).toBe(MAX_TRACKED_STREAMS - MAX_TRACKED_STREAMS / 10 + 1);
    // Remembered: its last number again is a duplicate; so is 1002's, the first not among the forgotten tenth.
    expect(t.check(1, 'i', 'busy', 9_500)).toEqual({ kind: 'duplicate' });
    expect(t.check(1002, 'i', 'ch', 1)).toEqual({ kind: 'duplicate' });
    // Forgotten (unsigned, so no horizon): 2 to 1001 start afresh at the number they had.
    expect(t.check(2, 'i', 'ch', 1)).toEqual({ kind: 'ok' });
    expect(t.check(1001, 'i', 'ch', 1)).toEqual({ kind: 'ok' });
    expect(t.size).toBe(MAX_TRACKED_STREAMS - MAX_TRACKED_STREAMS / 10 + 3);
  });

  test('forgetting the older run of a reused pid keeps its newer run', () => {
    const t = tracker();
    t.check(7, 'old', 'ch', 5);
    for (let pid = 100; pid < 100 + MAX_TRACKED_STREAMS - 2; pid++) t.check(pid, 'i', 'ch', 1);
    t.check(7, 'new', 'ch', 5);
    expect(t.size).toBe(MAX_TRACKED_STREAMS);
    t.check(999_999, 'i', 'ch', 1);
    expect(t.size).toBe(MAX_TRACKED_STREAMS - MAX_TRACKED_STREAMS / 10 + 1);
    expect(t.check(7, 'new', 'ch', 5)).toEqual({ kind: 'duplicate' });
    expect(t.check(7, 'old', 'ch', 5)).toEqual({ kind: 'ok' });
  });

  test('a reused pid with a new instance is another stream; the old run of that pid is still told apart', () => {
    const t = tracker();
    t.check(7, 'old', 'ch', 50, 1_000);
    expect(t.check(7, 'new', 'ch', 1, 2_000)).toEqual({ kind: 'ok' });
    // A replay of the old run's last frame is still its duplicate, and does not disturb the new run.
    expect(t.check(7, 'old', 'ch', 50, 1_000)).toEqual({ kind: 'duplicate' });
    expect(t.check(7, 'new', 'ch', 2, 2_010)).toEqual({ kind: 'ok' });
    expect(t.size).toBe(2);
  });
});
