/**
 * A least-recently-used map bounded to `max` entries, over a `Map` (which keeps insertion
 * order: re-inserting on read makes an entry the newest). Written here rather than taken from
 * `lru-cache`, whose default build imports `node:diagnostics_channel`: Worker and Edge bundles
 * of core's root entry must pull in no Node built-in.
 */
export class Lru<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get size(): number {
    return this.#map.size;
  }

  /** The value, made the most recently used. */
  get(key: K): V | undefined {
    if (!this.#map.has(key)) return undefined;
    const value = this.#map.get(key) as V;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  /** The value, without making it recently used. */
  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  /** Sets `key` as the most recently used; the least recently used goes past `max`. */
  set(key: K, value: V): this {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  keys(): IterableIterator<K> {
    return this.#map.keys();
  }
}
