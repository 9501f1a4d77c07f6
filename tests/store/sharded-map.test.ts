import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ShardedMap } from '../../src/store/json/sharded-map.js';

const hexId = (i: number) => createHash('sha256').update(String(i)).digest('hex').slice(0, 16);

describe('ShardedMap', () => {
  it('holds what a Map holds: set, overwrite, get, has, delete, size and every entry once', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => hexId(i));
    const sharded = new ShardedMap<string[]>();
    const plain = new Map<string, string[]>();
    for (const [i, id] of ids.entries()) {
      sharded.set(id, [`t${i % 7}`]);
      plain.set(id, [`t${i % 7}`]);
    }
    for (const id of ids.slice(0, 100)) (sharded.set(id, ['changed']), plain.set(id, ['changed']));
    for (const id of ids.slice(100, 300)) expect(sharded.delete(id)).toBe(plain.delete(id));
    expect(sharded.delete('not there')).toBe(false);
    expect(sharded.size).toBe(plain.size);
    expect(sharded.get(ids[0]!)).toEqual(['changed']);
    expect(sharded.has(ids[150]!)).toBe(false);
    expect(sharded.get(ids[4_999]!)).toEqual(plain.get(ids[4_999]!));
    expect(new Map(sharded)).toEqual(plain);
    expect([...sharded.entries()]).toHaveLength(plain.size);
  });

  it('takes keys that are not hex (empty, other characters) too', () => {
    const map = ShardedMap.from<number>([['', 1], ['zz', 2], ['ä', 3], ['id-Z', 4]]);
    expect(map.size).toBe(4);
    expect(new Map(map)).toEqual(new Map([['', 1], ['zz', 2], ['ä', 3], ['id-Z', 4]]));
  });
});
