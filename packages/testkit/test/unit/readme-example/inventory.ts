// User code under test: the worker logic of an inventory service, written as a
// function of its Worker so it runs the same in a real process and in a test.
import type { Worker } from '@clustr/runtime';

export interface Reservation {
  sku: string;
  quantity: number;
}

export function inventoryWorker(worker: Worker, stock: Map<string, number>): void {
  worker.onPrivate(({ meta, data }) => {
    const { sku, quantity } = data as Reservation;
    const available = stock.get(sku) ?? 0;
    if (available >= quantity) {
      stock.set(sku, available - quantity);
      void worker.emitPrivate(meta.pid, { ok: true, sku, left: available - quantity });
    } else {
      void worker.emitPrivate(meta.pid, { ok: false, sku, left: available });
    }
  });
  worker.onGroup(({ data }) => {
    const { sku, quantity } = data as Reservation;
    stock.set(sku, (stock.get(sku) ?? 0) + quantity);
    void worker.emitConfirmation(`restocked:${sku}`);
  });
}

/** The same logic with a bug a unit test must catch: it reserves stock it does not have. */
export function buggyInventoryWorker(worker: Worker, stock: Map<string, number>): void {
  worker.onPrivate(({ meta, data }) => {
    const { sku, quantity } = data as Reservation;
    const available = stock.get(sku) ?? 0;
    stock.set(sku, available - quantity);
    void worker.emitPrivate(meta.pid, { ok: true, sku, left: available - quantity });
  });
  worker.onGroup(({ data }) => {
    const { sku, quantity } = data as Reservation;
    stock.set(sku, (stock.get(sku) ?? 0) + quantity);
    void worker.emitConfirmation(`restocked:${sku}`);
  });
}
