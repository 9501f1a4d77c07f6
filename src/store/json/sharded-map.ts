/**
 * A string-keyed map kept as 16 Maps. A Map that outgrows its table copies
 * it whole in one step: the topics of a rules edit at 50,000 articles, put
 * 500 at a time into a new Map, held the event loop 17-40 ms in the one put
 * that crossed 32,768 entries (BENCHMARKS.md, latency session 7). Here no
 * single table grows past a sixteenth of the entries. Iteration goes shard
 * by shard (insertion order within a shard only).
 */
const SHARDS = 16;

export class ShardedMap<V> implements Iterable<[string, V]> {
  readonly #shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map());
  #size = 0;

  static from<V>(entries: Iterable<[string, V]>): ShardedMap<V> {
    const map = new ShardedMap<V>();
    for (const [key, value] of entries) map.set(key, value);
    return map;
  }

  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    return this.#shard(key).get(key);
  }

  has(key: string): boolean {
    return this.#shard(key).has(key);
  }

  set(key: string, value: V): this {
    const shard = this.#shard(key);
    const before = shard.size;
    shard.set(key, value);
    this.#size += shard.size - before;
    return this;
  }

  delete(key: string): boolean {
    const deleted = this.#shard(key).delete(key);
    if (deleted) this.#size--;
    return deleted;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const shard of this.#shards) yield* shard;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  #shard(key: string): Map<string, V> {
    // Ids are hex digests: their last digit spreads them evenly (any other key still lands in a shard).
    const code = key.length === 0 ? 0 : key.charCodeAt(key.length - 1);
    const digit = code >= 97 && code <= 102 ? code - 87 : code;
    return this.#shards[digit % SHARDS]!;
  }
}
