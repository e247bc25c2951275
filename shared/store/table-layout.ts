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
 * | person change       | PERSON#<id>                      | CHANGE#<at>#<n>            |                                     |
 * | office              | ORG                              | OFFICE                     |                                     |
 * | bureau/dept/team    | ORG                              | BUREAU#<id> / DEPARTMENT#… |                                     |
 * | vehicle             | FLEET                            | VEHICLE#<id>               |                                     |
 * | vehicle calendar    | VEHICLE#<id>                     | DAY#<Seoul date>           |                                     |
 * | vehicle odometer    | VEHICLE#<id>                     | ODOMETER                   |                                     |
 * | budget line figures | BUDGET#<line>                    | YEAR#<year>                |                                     |
 * | month's totals      | FINANCE#<YYYY-MM>                | TOTAL#<kind>#<dept> / BUILDING#<b> |                             |
 *
 * The organisation (office, bureaus, departments, teams: a few hundred small items) shares one
 * partition so one Query lists a kind (`begins_with(sk, 'DEPARTMENT#')`). People stay one
 * partition each: they are read by id on every request, and their change records sit beside them.
 * The fleet (232 vehicles) is likewise one partition; each vehicle's calendar is one item per
 * Seoul day holding that day's bookings, so "no overlap" is checked on one read and enforced by a
 * version condition on the same items.
 */
export const indexes = {
  /** A person's own requests, newest first. */
  requestsByRequester: { name: 'requests-by-requester', partitionKey: 'requesterId', sortKey: 'createdAt' },
  /** The people of a team (for roles such as welfare officer). */
  peopleByTeam: { name: 'people-by-team', partitionKey: 'memberOfTeam', sortKey: 'pk' },
  /** An approver's open approval links, oldest first (`GET /approvals`); sparse: only open links carry it. */
  pendingByApprover: { name: 'pending-approvals-by-approver', partitionKey: 'pendingApproverId', sortKey: 'pendingSince' },
  /** A personnel round's transfer requests (인사팀's planning); sparse: only requests with a transfer effect. */
  requestsByRound: { name: 'requests-by-round', partitionKey: 'roundId', sortKey: 'createdAt' },
  /** What the timer sweep must look at: open links (reminder, escalation, deadline), delegations (start, end), approved effects (effective date). */
  dueTimers: { name: 'due-timers', partitionKey: 'timerShard', sortKey: 'nextTimerAt' },
} as const;

export const keys = {
  request: (id: string) => ({ pk: `REQUEST#${id}`, sk: 'META' }),
  eventPrefix: 'EVENT#',
  event: (requestId: string, at: string, n: string) => ({ pk: `REQUEST#${requestId}`, sk: `EVENT#${at}#${n}` }),
  link: (hash: string) => ({ pk: `LINK#${hash}`, sk: 'LINK' }),
  delegation: (principalId: string, from: string) => ({ pk: `DELEGATION#${principalId}`, sk: `FROM#${from}` }),
  delegationPrefix: (principalId: string) => ({ pk: `DELEGATION#${principalId}`, skPrefix: 'FROM#' }),
  ledger: (personId: string, key: string) => ({ pk: `LEDGER#${personId}`, sk: key }),
  idempotency: (personId: string, key: string) => ({ pk: `IDEMPOTENCY#${personId}#${key}`, sk: 'IDEMPOTENCY' }),
  person: (id: string) => ({ pk: `PERSON#${id}`, sk: 'PROFILE' }),
  personChangePrefix: 'CHANGE#',
  personChange: (id: string, at: string, n: string) => ({ pk: `PERSON#${id}`, sk: `CHANGE#${at}#${n}` }),
  organisation: 'ORG',
  office: () => ({ pk: 'ORG', sk: 'OFFICE' }),
  bureauPrefix: 'BUREAU#',
  bureau: (id: string) => ({ pk: 'ORG', sk: `BUREAU#${id}` }),
  departmentPrefix: 'DEPARTMENT#',
  department: (id: string) => ({ pk: 'ORG', sk: `DEPARTMENT#${id}` }),
  teamPrefix: 'TEAM#',
  team: (id: string) => ({ pk: 'ORG', sk: `TEAM#${id}` }),
  fleet: 'FLEET',
  vehiclePrefix: 'VEHICLE#',
  vehicle: (id: string) => ({ pk: 'FLEET', sk: `VEHICLE#${id}` }),
  calendarDayPrefix: 'DAY#',
  calendarDay: (vehicleId: string, day: string) => ({ pk: `VEHICLE#${vehicleId}`, sk: `DAY#${day}` }),
  odometer: (vehicleId: string) => ({ pk: `VEHICLE#${vehicleId}`, sk: 'ODOMETER' }),
  budget: (line: string, year: number) => ({ pk: `BUDGET#${line}`, sk: `YEAR#${year}` }),
  /** A month's totals: one partition, a few dozen items (kinds × departments, buildings), read with one Query. */
  financeMonth: (month: string) => `FINANCE#${month}`,
  financeTotal: (month: string, kind: string, departmentId: string) => ({ pk: `FINANCE#${month}`, sk: `TOTAL#${kind}#${departmentId}` }),
  financeBuilding: (month: string, building: string) => ({ pk: `FINANCE#${month}`, sk: `BUILDING#${building}` }),
} as const;

/** Seconds since the epoch, for the table's TTL attribute. */
export const ttlAttribute = 'expiresAtEpoch';
export const toEpochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
