import type { ErrorCode } from '@clustr/runtime';

/** The `clustr` command's exit codes: scripts may rely on them (README, `clustr --help`). */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The command did not complete: a reload that failed, a command the master refused, a message nobody received. */
  failed: 1,
  /** Unknown command or flag, a bad argument, JSON that does not parse. */
  usage: 2,
  /** No master answered (CLUSTR_NO_MASTER). */
  noMaster: 3,
  /** The master's answers did not verify: the command signs with a secret the cluster does not use (CLUSTR_FRAME_REJECTED). */
  rejected: 4,
  /** Redis did not answer, or refused the credentials (CLUSTR_REDIS_UNREACHABLE, CLUSTR_REDIS_AUTH); 69 is sysexits' EX_UNAVAILABLE, as the runtime's. */
  redisUnreachable: 69,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an error the client threw. */
export function exitCodeOf(code: ErrorCode | undefined): ExitCode {
  switch (code) {
    case 'CLUSTR_NO_MASTER':
      return EXIT.noMaster;
    case 'CLUSTR_FRAME_REJECTED':
      return EXIT.rejected;
    case 'CLUSTR_REDIS_UNREACHABLE':
    case 'CLUSTR_REDIS_AUTH':
    case 'CLUSTR_REDIS_UNAVAILABLE':
      return EXIT.redisUnreachable;
    case 'CLUSTR_INVALID_OPTION':
    case 'CLUSTR_INVALID_ARGUMENT':
    case 'CLUSTR_INVALID_NAME':
    case 'CLUSTR_INVALID_DATA':
    case 'CLUSTR_UNKNOWN_OPTION':
      return EXIT.usage;
    default:
      return EXIT.failed;
  }
}

/** The table `clustr --help` and the README show. */
export const EXIT_CODES_HELP = `Exit codes:
  0   done
  1   not completed: a failed reload (CLUSTR_RELOAD_FAILED; the old processes keep
      serving), a command the master refused, a message nobody received
  2   usage: unknown command or flag, bad argument, JSON that does not parse
  3   no master answered (CLUSTR_NO_MASTER): none runs in this namespace on this
      Redis, or one drops our frames because its secret differs (the message says)
  4   the master's answers did not verify (CLUSTR_FRAME_REJECTED): this command
      signs with a secret the cluster does not use
  69  Redis unreachable or refused the credentials (CLUSTR_REDIS_UNREACHABLE)`;
