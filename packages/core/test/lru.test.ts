import { describe, expect, it } from 'vitest';
import { Lru } from '../src/lru.js';

describe('Lru', () => {
  it('drops the least recently used past its bound; get refreshes, peek does not', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1).set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now newer than b
    lru.set('c', 3);
    expect([...lru.keys()]).toEqual(['a', 'c']);
    expect(lru.peek('a')).toBe(1); // a stays the older one
    lru.set('d', 4);
    expect([...lru.keys()]).toEqual(['c', 'd']);
    lru.set('c', 30); // a write refreshes too
    lru.set('e', 5);
    expect([...lru.keys()]).toEqual(['c', 'e']);
    expect(lru.get('c')).toBe(30);
    expect(lru.delete('c')).toBe(true);
    expect(lru.size).toBe(1);
    expect(lru.get('missing')).toBeUndefined();
  });
});
