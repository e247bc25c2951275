import type { CirculationEntry } from '../ports/request-store.js';
import type { HistoryEvent } from './history.js';
import type { ApprovalRequest } from './kinds/index.js';
import type { Actor } from './line-transitions.js';
import { moved } from './moves.js';
import type { Reader } from './request.js';

/**
 * Transitions of who reads a request for information (공람·참조): people given it to read, a
 * reader's 확인. Each returns the request's next state, its history events, and the readers' list
 * entries to write in the same transaction.
 */

const asLabel = { cc: '참조', circulation: '공람' } as const;

/** A reader's entry on their own list of what they read for information. */
export const circulationEntry = (request: Pick<ApprovalRequest, 'id' | 'kind' | 'requesterName'>, reader: Reader): CirculationEntry => ({
  personId: reader.id,
  requestId: request.id,
  kind: request.kind,
  requesterName: request.requesterName,
  as: reader.as,
  since: reader.since,
  ...(reader.ackedAt ? { ackedAt: reader.ackedAt } : {}),
});

/** The event that records people given the request to read, by name. */
export function circulatedEvent(
  request: Pick<ApprovalRequest, 'round'>,
  readers: Reader[],
  actor: Actor,
  at: string,
  channel: string,
): HistoryEvent[] {
  if (readers.length === 0) return [];
  const as = readers[0]?.as ?? 'cc';
  return [
    {
      at,
      actorId: actor.id,
      ...(actor.id === 'system' ? {} : { actorName: actor.name }),
      action: 'circulated',
      round: request.round,
      comment: `${asLabel[as]}: ${readers.map((reader) => reader.name).join(', ')}`,
      channel,
    },
  ];
}

/** People given an approved request to read (공람), by the workflow. */
export function circulate(
  request: ApprovalRequest,
  input: { people: { id: string; name: string }[]; at: string },
): { request: ApprovalRequest; events: HistoryEvent[]; entries: CirculationEntry[] } {
  const known = new Set((request.readers ?? []).map((reader) => reader.id));
  const added: Reader[] = input.people
    .filter((person) => !known.has(person.id))
    .map((person) => ({ id: person.id, name: person.name, as: 'circulation', since: input.at }));
  if (added.length === 0) return { request, events: [], entries: [] };
  return {
    request: { ...request, readers: [...(request.readers ?? []), ...added] },
    events: circulatedEvent(request, added, { id: 'system', name: 'system' }, input.at, 'workflow'),
    entries: added.map((reader) => circulationEntry(request, reader)),
  };
}

/** 확인: a reader confirms reading the request (once; a second time changes nothing). */
export function acknowledged(
  request: ApprovalRequest,
  input: { reader: Reader; at: string; channel: string },
): { request: ApprovalRequest; events: HistoryEvent[]; entry: CirculationEntry } {
  const readers = (request.readers ?? []).map((reader) => (reader.id === input.reader.id ? { ...reader, ackedAt: input.at } : reader));
  const reader = { ...input.reader, ackedAt: input.at };
  return {
    request: moved(request, input.at, { readers }),
    events: [
      {
        at: input.at,
        actorId: reader.id,
        actorName: reader.name,
        action: 'acknowledged',
        round: request.round,
        comment: `${asLabel[reader.as]} 확인`,
        channel: input.channel,
      },
    ],
    entry: circulationEntry(request, reader),
  };
}
