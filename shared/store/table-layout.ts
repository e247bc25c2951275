/**
 * The single table: every item has `pk`/`sk`, and each entity's key layout, item shape and index
 * attributes live together in its own module under `entities/`:
 *
 * | entity (entities/…)        | pk                         | sk                                    | on the indexes                       |
 * |-----------------------------|----------------------------|---------------------------------------|--------------------------------------|
 * | request (request)           | REQUEST#<id>               | META                                  | requests-by-requester, -by-round, due-timers, decisions-by-month |
 * | history event               | REQUEST#<id>               | EVENT#<at>#<n>                        |                                      |
 * | approval link               | LINK#<sha256 of link id>   | LINK                                  | pending-approvals-by-approver, due-timers |
 * | ledger                      | LEDGER#<personId>          | <kind>#<period>                       |                                      |
 * | idempotency record          | IDEMPOTENCY#<person>#<key> | IDEMPOTENCY                           |                                      |
 * | person, its changes         | PERSON#<id>                | PROFILE / CHANGE#<at>#<n>             | people-by-team                       |
 * | office, bureau, dept, team  | ORG                        | OFFICE / BUREAU#… / DEPARTMENT#… / TEAM#… |                                  |
 * | delegation                  | DELEGATION#<principal>     | FROM#<date>                           | due-timers                           |
 * | vehicle, calendar, odometer | FLEET / VEHICLE#<id>       | VEHICLE#<id> / DAY#<date> / ODOMETER  |                                      |
 * | budget line figures         | BUDGET#<line>              | YEAR#<year>                           |                                      |
 * | month's totals              | FINANCE#<YYYY-MM>          | TOTAL#<kind>#<dept> / BUILDING#<b>    |                                      |
 * | register (문서번호)          | REGISTRY#<department>      | YEAR#<yyyy>                           |                                      |
 * | circulation entry           | CIRCULATION#<person>       | AT#<since>#<request>                  |                                      |
 *
 * The GSIs are sparse and named after the access pattern they serve; this module declares them
 * (the table's construct creates them, the local runtime reads them from the template).
 */
export const indexes = {
  /** A person's own requests, newest first. */
  requestsByRequester: { name: 'requests-by-requester', partitionKey: 'requesterId', sortKey: 'createdAt' },
  /** The people of a team (for roles such as welfare officer). */
  peopleByTeam: { name: 'people-by-team', partitionKey: 'memberOfTeam', sortKey: 'pk' },
  /** An approver's open approval links, oldest first (`GET /approvals`); sparse: only open links carry it. */
  pendingByApprover: { name: 'pending-approvals-by-approver', partitionKey: 'pendingApproverId', sortKey: 'pendingSince' },
  /** A personnel round's transfer requests (인사팀's planning); sparse: only requests whose kind indexes them by round. */
  requestsByRound: { name: 'requests-by-round', partitionKey: 'roundId', sortKey: 'createdAt' },
  /** Finally decided requests by the Seoul month of their 문서번호 (audit search); sparse: only those numbered. */
  decisionsByMonth: { name: 'decisions-by-month', partitionKey: 'decidedMonth', sortKey: 'decidedKey' },
  /** What the timer sweep must look at: open links (reminder, escalation, deadline), delegations (start, end), requests' own timers. */
  dueTimers: { name: 'due-timers', partitionKey: 'timerShard', sortKey: 'nextTimerAt' },
} as const;

export { ttlAttribute } from './entities/transact.js';
