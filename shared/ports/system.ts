/** The clock and the ids: what makes a use case's output depend on time and chance, injected so tests fix them. */

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A request id people can read aloud and that sorts by time. */
  requestId(now: Date): string;
  /** An unguessable approval-link id (≥ 128 bits). */
  linkId(): string;
}
