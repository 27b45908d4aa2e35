// Stored loosely: the typed `on`/`emit` pair keeps each event's arguments matched.
type Listener = (...args: unknown[]) => void;

interface Entry {
  listener: Listener;
  once: boolean;
}

/**
 * A small typed event emitter (`on`/`off`/`once`/`emit`), so that core needs no `node:events`.
 * Unlike Node's, a listener that throws does not stop the others nor reach the emitter's
 * caller: `onListenerError` hears of it. Any number of listeners, no warning.
 */
export class Emitter<Events extends { [E in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, Entry[]>();
  readonly #onListenerError: (event: keyof Events, error: unknown) => void;

  constructor(onListenerError: (event: keyof Events, error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): void {
    this.#add(event, listener as Listener, false);
  }

  once<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): void {
    this.#add(event, listener as Listener, true);
  }

  /** Removes the most recently added registration of `listener` (as Node's `off` does). */
  off<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): void {
    const entries = this.#listeners.get(event);
    if (!entries) return;
    const index = entries.findLastIndex((entry) => entry.listener === (listener as Listener));
    if (index === -1) return;
    // Copy on write: an emit in progress keeps iterating the list it started with.
    const next = entries.filter((_, i) => i !== index);
    if (next.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, next);
  }

  emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const entries = this.#listeners.get(event);
    if (!entries) return;
    for (const entry of entries) {
      if (entry.once) this.#removeEntry(event, entry);
      try {
        entry.listener(...args);
      } catch (error) {
        this.#onListenerError(event, error);
      }
    }
  }

  #add(event: keyof Events, listener: Listener, once: boolean): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), { listener, once }]);
  }

  #removeEntry(event: keyof Events, entry: Entry): void {
    const next = (this.#listeners.get(event) ?? []).filter((e) => e !== entry);
    if (next.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, next);
  }
}
