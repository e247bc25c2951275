/**
 * The single table's key layout, in one place. Every item has `pk`/`sk`; the GSIs are sparse
 * and named after the access pattern they serve:
 *
 * | item                | pk                               | sk                         | index attributes                    |
 * |---------------------|----------------------------------|----------------------------|-------------------------------------|
 * | request             | REQUEST#<id>                     | META                       | requesterId + createdAt             |
 * | history event       | REQUEST#<id>                     | EVENT#<at>#<n>             |                                     |
 * | approval link       | LINK#<sha256 of link id>         | LINK                       |                                     |
 * | per-person ledger   | LEDGER#<personId>                | <kind>#<period>            |                                     |
 * | idempotency record  | IDEMPOTENCY#<personId>#<key>     | IDEMPOTENCY                |                                     |
 * | person              | PERSON#<id>                      | PROFILE                    | memberOfTeam + pk                   |
 * | team/dept/bureau    | TEAM#<id> / DEPARTMENT#<id> / …  | PROFILE                    |                                     |
 */
export const indexes = {
  /** A person's own requests, newest first. */
  requestsByRequester: { name: 'requests-by-requester', partitionKey: 'requesterId', sortKey: 'createdAt' },
  /** The people of a team (for roles such as welfare officer). */
  peopleByTeam: { name: 'people-by-team', partitionKey: 'memberOfTeam', sortKey: 'pk' },
} as const;

export const keys = {
  request: (id: string) => ({ pk: `REQUEST#${id}`, sk: 'META' }),
  eventPrefix: 'EVENT#',
  event: (requestId: string, at: string, n: string) => ({ pk: `REQUEST#${requestId}`, sk: `EVENT#${at}#${n}` }),
  link: (hash: string) => ({ pk: `LINK#${hash}`, sk: 'LINK' }),
  ledger: (personId: string, key: string) => ({ pk: `LEDGER#${personId}`, sk: key }),
  idempotency: (personId: string, key: string) => ({ pk: `IDEMPOTENCY#${personId}#${key}`, sk: 'IDEMPOTENCY' }),
  person: (id: string) => ({ pk: `PERSON#${id}`, sk: 'PROFILE' }),
  team: (id: string) => ({ pk: `TEAM#${id}`, sk: 'PROFILE' }),
  department: (id: string) => ({ pk: `DEPARTMENT#${id}`, sk: 'PROFILE' }),
  bureau: (id: string) => ({ pk: `BUREAU#${id}`, sk: 'PROFILE' }),
  office: () => ({ pk: 'OFFICE', sk: 'PROFILE' }),
} as const;

/** Seconds since the epoch, for the table's TTL attribute. */
export const ttlAttribute = 'expiresAtEpoch';
export const toEpochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
