import { ClustrError, createSigner, type FrameSigner, type VerifyResult } from '@clustr/protocol/core';

/** The environment variable a process reads its secret from, and children receive it in. */
export const SECRET_ENV = 'CLUSTR_SECRET';

/**
 * The signing keys of a process, replaceable while it runs: key rotation needs
 * a master that changes its keys without a restart, because a rolling reload
 * replaces every process but the master. The transport and the outbox hold this
 * object, so a replacement applies to the next frame sent or received; children
 * spawned afterwards (respawns, reload replacements) get the new list.
 */
export class KeyRing implements FrameSigner {
  private signer: FrameSigner;
  private secret: string | readonly string[];

  /** Throws a ClustrError naming `field` (never showing a secret) when a secret is missing or too short. */
  constructor(secret: string | readonly string[], field: string) {
    this.signer = createSigner(secret, field);
    this.secret = typeof secret === 'string' ? secret : [...secret];
  }

  get keys(): number {
    return this.signer.keys;
  }

  sign(channel: string, text: string): string {
    return this.signer.sign(channel, text);
  }

  verify(channel: string, raw: string): VerifyResult {
    return this.signer.verify(channel, raw);
  }

  /**
   * Replaces every key at once: the first of `secret` signs from the next frame
   * on, all of them verify. Checked before anything changes, so a bad list
   * leaves the old keys in place.
   */
  replace(secret: string | readonly string[], field: string): void {
    this.signer = createSigner(secret, field);
    this.secret = typeof secret === 'string' ? secret : [...secret];
  }

  /** What a child gets in its environment: the same keys, in the same order. Never logged, never on a command line. */
  childEnv(): Record<string, string> {
    return { [SECRET_ENV]: typeof this.secret === 'string' ? this.secret : JSON.stringify(this.secret) };
  }

  /** Keeps the keys out of util.inspect and JSON.stringify (a logged process, an error's context). */
  toJSON(): { keys: number } {
    return { keys: this.keys };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KeyRing { keys: ${this.keys} }`;
  }
}

/** Wraps a failure of `replace` as what a method call reports: an invalid argument. */
export function invalidSecretArgument(error: unknown): Error {
  if (error instanceof ClustrError && error.code === 'CLUSTR_INVALID_OPTION') {
    return new ClustrError('CLUSTR_INVALID_ARGUMENT', error.message, error.field === undefined ? { cause: error } : { field: error.field, cause: error });
  }
  return error as Error;
}
