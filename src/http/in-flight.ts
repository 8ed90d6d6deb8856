/** A place in {@link InFlight}, returned by `add` and given back to `delete`. */
export interface InFlightSlot<T> {
  /** Cleared on delete, so a slot that outlives its item keeps nothing alive. */
  item: T | undefined;
  index: number;
}

/**
 * The items in flight (the server's responses), added and deleted once per request, iterated only at
 * shutdown.
 *
 * Not a `Set`: V8 rebuilds a Set's table every few dozen add/delete pairs, and each abandoned table keeps
 * a pointer to its successor (for iterators still walking it) and its entries as they were. Abandoned
 * tables that reached the old generation hold every later table, and through them requests long
 * finished, alive across young-generation collections: each collection then kept ~2.5 MB and promoted
 * ~2.2 MB instead of the few hundred KB the requests in flight hold, until the next full collection
 * (bench/RESULTS.md, "2026-12-02, evening: the in-flight Set"; `node bench/gc-inflight.mjs`). A dense
 * array with swap-remove, whose deleted slots forget their item, has no such chain.
 */
export class InFlight<T> implements Iterable<T> {
  readonly #slots: InFlightSlot<T>[] = [];

  get size(): number {
    return this.#slots.length;
  }

  add(item: T): InFlightSlot<T> {
    const slot: InFlightSlot<T> = { item, index: this.#slots.length };
    this.#slots.push(slot);
    return slot;
  }

  /** Removes the slot's item; a slot deleted already is left alone. */
  delete(slot: InFlightSlot<T>): void {
    const slots = this.#slots;
    const { index } = slot;
    if (slots[index] !== slot) return;
    const last = slots.pop() as InFlightSlot<T>;
    if (last !== slot) {
      slots[index] = last;
      last.index = index;
    }
    slot.item = undefined;
    slot.index = -1;
  }

  /** The items in flight now (a copy: deleting while iterating is safe). */
  *[Symbol.iterator](): Iterator<T> {
    for (const slot of [...this.#slots]) if (slot.item !== undefined) yield slot.item;
  }
}
