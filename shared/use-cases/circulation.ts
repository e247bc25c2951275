import * as z from 'zod';
import { type Directory, employeeIdPattern, type Person } from '../directory/directory.js';
import { type FieldIssue, NotFoundError } from '../kernel/errors.js';
import { invalidInput, parseOrThrow } from '../kernel/validation.js';
import { type CirculationReader, kindPolicyFor, MAX_COPIES } from '../policies/approval-policy.js';
import type { OfficePolicy } from '../policies/office-policy.js';
import type { Mailer } from '../ports/messaging.js';
import type { RequestStore } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';
import { changeOf } from '../requests/change.js';
import { acknowledged } from '../requests/circulation-transitions.js';
import { type ApprovalRequest, findKind, kindById } from '../requests/kinds/index.js';
import { isParticipant, type Reader } from '../requests/request.js';
import { retryOnConcurrentChange } from './concurrent-change.js';
import { requestPageQuery } from './read-requests.js';
import { emailNotice } from './request-notices.js';

/**
 * 공람·참조: who reads a request for information. A requester copies colleagues (참조, `ccIds`) where
 * the kind allows it; a kind circulates an approved request to the units its policy names (공람).
 * Readers see the request read-only and confirm reading it (확인). Health kinds have neither.
 */

const asLabel = { cc: '참조', circulation: '공람' } as const;

/** `ccIds` as sent: distinct employee ids, at most the most any kind allows (each kind may allow fewer). */
export const ccIdsSchema = z
  .array(z.string().regex(employeeIdPattern, { error: '참조자(ccIds)는 직원 번호(E와 네 자리 이상의 숫자)여야 합니다' }), {
    error: '참조자(ccIds)는 직원 번호의 배열이어야 합니다',
  })
  .max(MAX_COPIES, { error: `참조자는 ${MAX_COPIES}명까지 지정할 수 있습니다` })
  .refine((ids) => new Set(ids).size === ids.length, { error: '같은 참조자가 두 번 들어 있습니다' });

/**
 * The colleagues a requester copies (참조), checked: the kind must allow copies (never a health
 * kind), as many as it allows, each in the directory and not the requester. Refused by index.
 */
export async function copiedReaders(
  deps: { directory: Directory; policy: OfficePolicy },
  input: { kind: string; requesterId: string; ccIds: string[]; at: string; earlier?: Reader[] },
): Promise<Reader[]> {
  if (input.ccIds.length === 0) return [];
  const allowed = kindPolicyFor(deps.policy, input.kind).circulation.copies;
  if (allowed === 0) {
    const message = findKind(input.kind)?.privacy.sensitive
      ? '건강 정보가 담긴 요청에는 참조자를 지정할 수 없습니다'
      : `${kindById(input.kind).label} 요청에는 참조자를 지정할 수 없습니다`;
    throw invalidInput([{ path: 'ccIds', message }]);
  }
  if (input.ccIds.length > allowed) throw invalidInput([{ path: 'ccIds', message: `참조자는 ${allowed}명까지 지정할 수 있습니다` }]);
  const issues: FieldIssue[] = [];
  const readers: Reader[] = [];
  for (const [index, id] of input.ccIds.entries()) {
    const person = await deps.directory.person(id);
    if (!person) issues.push({ path: `ccIds.${index}`, message: `${id}은(는) 직원 명부에 없습니다` });
    else if (id === input.requesterId) issues.push({ path: `ccIds.${index}`, message: '본인은 참조자로 지정할 수 없습니다' });
    else {
      // Someone copied before keeps when they were copied and their 확인.
      const before = input.earlier?.find((reader) => reader.id === id && reader.as === 'cc');
      readers.push(before ?? { id, name: person.name, as: 'cc', since: input.at });
    }
  }
  if (issues.length) throw invalidInput(issues);
  return readers;
}

/** The most people one approval circulates to: their list entries are written in its transaction. */
const MAX_CIRCULATION = 40;

/**
 * Who an approved request circulates to (공람), as its kind's policy names them from today's
 * directory: not the requester, nobody on its line, nobody already reading it.
 */
export async function circulationReaders(deps: { directory: Directory; policy: OfficePolicy }, request: ApprovalRequest): Promise<Person[]> {
  const selectors = kindPolicyFor(deps.policy, request.kind).circulation.readers;
  const found = new Map<string, Person>();
  for (const selector of selectors) for (const person of await membersOf(deps.directory, selector, request)) found.set(person.id, person);
  return [...found.values()]
    .filter((person) => !isParticipant(request, person.id) && !request.readers?.some((reader) => reader.id === person.id))
    .slice(0, MAX_CIRCULATION);
}

async function membersOf(directory: Directory, selector: CirculationReader, request: ApprovalRequest): Promise<Person[]> {
  switch (selector.type) {
    case 'handling-unit':
      return request.handlingTeamId ? directory.teamMembers(request.handlingTeamId) : [];
    case 'team':
      return directory.teamMembers(selector.team);
    case 'team-role':
      return (await directory.teamMembers(selector.team)).filter((person) => person.roles.includes(selector.role));
  }
}

/** The people given a request to read are told by email (never for health kinds, which have none). */
export function tellReaders(
  deps: { directory: Directory; mailer: Mailer; policy: OfficePolicy; log: (message: string, fields: Record<string, unknown>) => void },
  request: ApprovalRequest,
  readers: Pick<Reader, 'id' | 'as'>[],
): Promise<void> {
  const as = readers[0]?.as;
  if (!as) return Promise.resolve();
  return emailNotice(
    deps,
    request,
    readers.map((reader) => reader.id),
    () => ({
      subject: `[${asLabel[as]}]`,
      intro:
        as === 'cc'
          ? `${request.requesterName}님이 요청에 귀하를 참조자로 지정했습니다. 읽기만 할 수 있으며 결재하지 않습니다.`
          : '승인된 요청이 공람되었습니다. 읽은 뒤 확인해 주세요.',
      next: `GET /requests/${request.id} 로 읽고, POST /circulation/${request.id}/ack 로 확인하세요.`,
    }),
  );
}

export const ackBody = z.strictObject({}).optional();

export function makeCirculation({ requests, clock }: { requests: RequestStore; clock: Clock }) {
  return {
    /** `GET /circulation`: what the caller reads for information, newest first, with whether they confirmed it. */
    async list(input: { callerId: string; query: unknown }) {
      const { limit, nextToken } = parseOrThrow(requestPageQuery, input.query ?? {});
      const page = await requests.circulationFor(input.callerId, { limit, cursor: nextToken });
      return {
        items: page.items.map((entry) => ({
          requestId: entry.requestId,
          kind: entry.kind,
          kindLabel: kindById(entry.kind).label,
          requesterName: entry.requesterName,
          as: entry.as,
          asLabel: asLabel[entry.as],
          since: entry.since,
          ...(entry.ackedAt ? { ackedAt: entry.ackedAt } : {}),
        })),
        nextToken: page.nextCursor ?? null,
      };
    },

    /**
     * `POST /circulation/{requestId}/ack` — 확인. Only a reader of the request (anyone else: 404);
     * recorded once in its history and on the reader's list; a second 확인 answers the first.
     */
    async ack(input: { callerId: string; requestId: string; body: unknown }) {
      parseOrThrow(ackBody, input.body);
      return retryOnConcurrentChange(async () => {
        const request = await requests.get(input.requestId);
        const reader = request?.readers?.find((candidate) => candidate.id === input.callerId);
        if (!request || !reader) throw new NotFoundError(`공람·참조 목록에 요청 ${input.requestId}이(가) 없습니다.`);
        if (reader.ackedAt) return { requestId: request.id, as: reader.as, ackedAt: reader.ackedAt };
        const at = clock.now().toISOString();
        const done = acknowledged(request, { reader, at, channel: 'api' });
        await requests.save(changeOf(request, done, { circulation: { put: [done.entry] } }));
        return { requestId: request.id, as: reader.as, ackedAt: at };
      });
    },
  };
}
