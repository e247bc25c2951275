import { describe, expect, it } from 'vitest';
import { itemBytes, transactWriteUnits } from '../../infra/local/write-units.js';

/** An item as the low-level client sends it (strings and numbers only, all these tests need). */
const marshall = (item: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, typeof value === 'number' ? { N: String(value) } : { S: value }]));

describe('write units as AWS bills a transaction (the benchmark cost table)', () => {
  it('sizes an item by its attribute names and values, marshalled or not', () => {
    // Prepare: 2 + 3 + 2 + 6 (UTF-8: two Hangul syllables) + 3 + (1 + 1) bytes, per AWS's item-size rule.
    const item = { pk: 'R#1', sk: 'V1', name: '진우', n: 7 };

    // Act + Assess
    expect(itemBytes(item)).toBe(2 + 3 + 2 + 2 + 4 + 6 + 1 + 2);
    expect(itemBytes(marshall(item))).toBe(itemBytes(item));
    // A map: 3 bytes, its names and values, and 1 byte per element; the same marshalled.
    expect(itemBytes({ m: { a: 'xy', b: 'z' } })).toBe(1 + 3 + (1 + 2) + (1 + 1) + 2);
    expect(itemBytes({ m: { M: { a: { S: 'xy' }, b: { S: 'z' } } } })).toBe(itemBytes({ m: { a: 'xy', b: 'z' } }));
  });

  it('rounds every item up to 1 KB on its own and doubles it, where DynamoDB Local rounds the total once', () => {
    // Prepare: what the probe saw Local report: two 100-byte Puts → 2 units; a 3 KB and a 100-byte Put → 8.
    const small = (sk: string) => ({ Put: { Item: marshall({ pk: 'p', sk, d: 'x'.repeat(100) }) } });
    const large = { Put: { Item: marshall({ pk: 'p', sk: 'big', d: 'x'.repeat(3000) }) } };

    // Act + Assess
    expect(transactWriteUnits([small('a'), small('b')])).toBe(4);
    expect(transactWriteUnits([large, small('c')])).toBe(8);
    // An Update is billed on the stored item, which the request does not show: at least 1 KB.
    expect(transactWriteUnits([large, { Update: { Key: {} } }, { ConditionCheck: {} }])).toBe(10);
    expect(transactWriteUnits([])).toBe(0);
  });
});
