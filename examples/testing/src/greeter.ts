// The code under test: a worker's logic, written as a function of its Worker so it
// runs the same in a real process and in a test.
import { Type } from '@sinclair/typebox';
import type { Worker } from '@clustr/runtime';

export const messages = {
  private: Type.Object({ name: Type.String() }),
};

/** Answers every private message with a greeting for the name it carries. */
export function greeter(worker: Worker<typeof messages>): void {
  worker.onPrivate(({ meta, data }) => {
    void worker.emitPrivate(meta.pid, { name: `hello, ${data.name}` });
  });
}
