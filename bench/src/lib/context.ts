import { createServer } from 'node:net';

/** Counts and durations of one mode. Quick mode keeps every figure, with smaller counts. */
export interface Sizes {
  /** Point-to-point messages per implementation, split over `throughputRounds`. */
  p2pMessages: number;
  /** Messages published per implementation to 4 subscribers, split over `throughputRounds`. */
  fanoutMessages: number;
  /** Rounds of each throughput comparison; clustr and raw alternate round by round and the median round is reported. */
  throughputRounds: number;
  /** Messages of the uncounted warm-up round each implementation gets first. */
  warmupMessages: number;
  /** Round trips per implementation, split over `rttBlocks` alternating blocks. */
  rttCount: number;
  rttBlocks: number;
  /** Uncounted round trips each implementation makes first. */
  rttWarmup: number;
  micro: { rounds: number; warmupRounds: number; iterations: number };
  /** Worker counts the start scenario measures, and rounds of each. */
  startSizes: number[];
  startRounds: number;
  reload: { reloads: number; minDurationMs: number; connections: number };
  /** Connection spread: load loops (keep-alive connections, then short ones) and how long each load runs. */
  spread: { connections: number; durationMs: number };
  memory: { instances: number; settleMs: number };
  /** Request throughput: requests per round, rounds of each side (alternating), and requests in flight. */
  requests: { perRound: number; rounds: number; window: number };
  /** Subscriber / worker counts of the scaling scenario. */
  scaling: number[];
  /** Messages delivered per implementation at each size (published = this / subscribers), split over `scalingRounds`. */
  scalingDelivered: number;
  scalingRounds: number;
}

export const QUICK: Sizes = {
  p2pMessages: 20_000,
  fanoutMessages: 10_000,
  throughputRounds: 2,
  warmupMessages: 20_000,
  rttCount: 1_000,
  rttBlocks: 4,
  rttWarmup: 200,
  micro: { rounds: 7, warmupRounds: 2, iterations: 50_000 },
  startSizes: [8],
  startRounds: 2,
  reload: { reloads: 2, minDurationMs: 10_000, connections: 10 },
  spread: { connections: 16, durationMs: 3_000 },
  memory: { instances: 1, settleMs: 1_500 },
  requests: { perRound: 5_000, rounds: 2, window: 64 },
  scaling: [2, 8],
  scalingDelivered: 40_000,
  scalingRounds: 2,
};

export const FULL: Sizes = {
  // 40k messages per round (about 0.4 s) in 15 alternating rounds: rounds that short swing by
  // ±15% on a shared 2-core machine, so the median needs many of them.
  p2pMessages: 600_000,
  fanoutMessages: 300_000,
  throughputRounds: 15,
  warmupMessages: 20_000,
  rttCount: 10_000,
  rttBlocks: 10,
  rttWarmup: 1_000,
  micro: { rounds: 15, warmupRounds: 3, iterations: 200_000 },
  startSizes: [8, 32],
  startRounds: 3,
  reload: { reloads: 10, minDurationMs: 45_000, connections: 10 },
  spread: { connections: 16, durationMs: 10_000 },
  memory: { instances: 3, settleMs: 3_000 },
  requests: { perRound: 20_000, rounds: 5, window: 64 },
  scaling: [2, 8, 32],
  scalingDelivered: 400_000,
  // As many rounds as the headline throughput rows, so the scaling table is read with the same confidence.
  scalingRounds: 15,
};

export interface StartSample {
  clustr: number[];
  nodeCluster: number[];
  /** node:cluster whose workers also connect to Redis and publish that they are ready: the floor for any Redis-connected worker. */
  nodeClusterRedis: number[];
}

export interface BenchContext {
  quick: boolean;
  sizes: Sizes;
  runId: string;
  /** A namespace no other run or scenario uses. */
  ns(label: string): string;
  log(message: string): void;
  /** Start times already measured, by worker count (the scaling scenario reuses them). */
  startTimes: Map<number, StartSample>;
  /** Work to do on abort (the PM2 daemon is not our child). */
  cleanups: Set<() => Promise<void>>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
