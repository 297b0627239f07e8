import { Type } from '@sinclair/typebox';

/** One schema per message kind, shared by every process: typed handlers and emits, validated on both ends. */
export const messages = {
  public: Type.Object({ text: Type.String() }),
  group: Type.Object({ text: Type.String() }),
  private: Type.Object({ text: Type.String(), replyTo: Type.Optional(Type.Integer()) }),
};

/** Prints one line per event so the demo reads like a log. */
export function say(who: string, what: string): void {
  process.stdout.write(`${who.padEnd(14)} ${what}\n`);
}
