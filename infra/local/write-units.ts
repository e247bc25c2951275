/**
 * What AWS would bill for a transactional write, computed from the request, because DynamoDB Local
 * reports it differently: measured here, Local sums the sizes of all items in a TransactWriteItems
 * and rounds up once (two 100-byte Puts: 2 units), where AWS rounds each item up to 1 KB on its
 * own and doubles it (4 units). Benchmarks only (the usage meter).
 */

const TYPE_TAGS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

/** A value as AWS sizes it: strings and binaries by length, numbers ≈ 1 byte per 2 digits + 1, containers 3 bytes + 1 per element. */
function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce<number>((sum, element) => sum + valueBytes(element), 0);
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    // A marshalled AttributeValue ({ S: '…' }, { M: {…} }): size its content, not its type tag.
    const [only] = entries;
    if (entries.length === 1 && only && TYPE_TAGS.has(only[0])) {
      const [tag, content] = only;
      if (tag === 'N') return valueBytes(Number(content));
      if (tag === 'M') return valueBytes(content);
      if (tag === 'NULL' || tag === 'BOOL') return 1;
      return valueBytes(content);
    }
    return 3 + itemBytes(value as Record<string, unknown>) + entries.length;
  }
  return 1;
}

/** An item's size by AWS's rule: every attribute's name plus its value, in bytes. */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueBytes(value), 0);
}

type TransactItem = { Put?: { Item?: Record<string, unknown> }; Update?: unknown; Delete?: unknown; ConditionCheck?: unknown };

/**
 * Table write units AWS bills for one TransactWriteItems: 2 per item per KB, each item rounded up
 * on its own. A Put's size is known; an Update, Delete or ConditionCheck is billed on the stored
 * item, which the request does not show, so it counts as 1 KB (a lower bound: the ones this
 * backend sends touch small items — totals, ledgers, links, calendar days).
 */
export function transactWriteUnits(items: readonly TransactItem[]): number {
  return items.reduce((sum, item) => sum + 2 * Math.max(1, Math.ceil((item.Put?.Item ? itemBytes(item.Put.Item) : 0) / 1024)), 0);
}
