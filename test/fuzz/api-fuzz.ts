import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { leakInMainHall } from '../fixtures/requests.js';

/**
 * A property-based fuzz of the whole HTTP API, driven by openapi.json: every operation, with valid,
 * nearly valid and hostile path parameters, query strings, headers and bodies, as several kinds of
 * caller. What must hold for every request: no 5xx, and every refusal a 4xx whose message a person can
 * read (Korean; the few answers API Gateway itself gives are its fixed English ones). The contract
 * (status, content type, schema) is checked by the integration harness's fetch on every answer.
 * Used by test/integration/api-fuzz.test.ts (bounded) and the bench (a larger run).
 */

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
}
interface OperationObject {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
}
export interface FuzzOperation {
  id: string;
  method: string;
  path: string;
  pathParameters: string[];
  query: string[];
  bodyType?: string;
}

export function operationsOf(documentUrl: URL): FuzzOperation[] {
  const document = JSON.parse(readFileSync(documentUrl, 'utf8')) as { paths: Record<string, Record<string, OperationObject>> };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      id: operation.operationId,
      method: method.toUpperCase(),
      path,
      pathParameters: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyType: operation.requestBody ? Object.keys(operation.requestBody.content)[0] : undefined,
    })),
  );
}

/** What the fuzz knows of the backend it runs against: real ids to aim at, and who may call. */
export interface FuzzWorld {
  apiUrl: string;
  /** Ids of requests that exist (aimed at by `{id}` and `{requestId}`). */
  requestIds: string[];
  /** Decision link ids that exist. */
  linkIds: string[];
  /** Bearer tokens by caller (`none`: no token at all). */
  tokens: Record<string, string | undefined>;
}

/** Bodies that would be accepted somewhere: the starting points of the nearly valid ones. */
const VALID_BODIES: Record<string, unknown[]> = {
  submitRequest: [
    { kind: 'health-checkup', checkupDate: '2026-11-20', amountPaid: 300_000, clinic: '한빛검진센터' },
    { kind: 'facility-repair', ...leakInMainHall },
  ],
  reviseRequest: [{ checkupDate: '2026-11-21', amountPaid: 310_000, clinic: '한빛검진센터' }],
  withdrawRequest: [{ reason: '착오로 상신했습니다' }, {}],
  resubmitRequest: [{ comment: '보완했습니다' }],
  decideApproval: [
    { decision: 'approve', comment: '확인했습니다' },
    { decision: 'reject', comment: '영수증이 없습니다' },
  ],
  skipApprovalStep: [{ stepIndex: 0, reason: '출장 중' }],
  putDelegation: [{ deputyId: 'E1017', from: '2027-01-04', to: '2027-01-06', reason: '연가' }],
  submitDecision: [{ decision: 'approve', comment: '확인' }],
  slackInteractions: [{ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'approve', value: 'x' }] }) }],
  putPerson: [{ name: '홍길동', email: 'hong@guchung.example.kr', departmentId: 'general-affairs', teamId: null }],
  financePayments: [{ requestIds: ['R20261127-00000000'] }],
  reportWork: [{ actualCostKrw: 120_000, completedOn: '2026-11-27' }],
  confirmWork: [{ accepted: true }, { accepted: false, comment: '아직 샙니다' }],
  cancelBooking: [{ reason: '일정 취소' }],
  recordTripLog: [{ odometerStart: 1000, odometerEnd: 1042, fuelLiters: 0 }],
};

const VALID_QUERY: Record<string, string[]> = {
  limit: ['1', '20', '100'],
  nextToken: ['eyJ9'],
  month: ['2026-11', '2026-12'],
  format: ['json', 'csv', 'xlsx'],
  year: ['2026', '2027'],
  principalId: ['E1034', 'E1016'],
  class: ['passenger-small', 'passenger-mid', 'van'],
  from: ['2026-12-01', '2026-12-01T09:00:00+09:00'],
  to: ['2026-12-02', '2026-12-01T18:00:00+09:00'],
  passengers: ['1', '4'],
};

const VALID_PATH: Record<string, string[]> = {
  from: ['2027-01-04', '2026-11-27'],
  month: ['2026-11', '2026-10'],
  file: ['monthly-totals.csv', 'monthly-totals.xlsx'],
  roundId: ['2027-01', '2026-07'],
};

/** Strings people and attackers send: long, non-Latin, control characters, injections, encodings. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '$' + '{jndi:ldap://x}',
    'PERSON#E1034',
  ),
  fc.integer({ min: 1000, max: 6000 }).map((length) => 'x'.repeat(length)),
  fc.integer({ min: 100, max: 2000 }).map((length) => '한'.repeat(length)),
);

/** Path segments as sent on the wire (already encoded): some encodings malformed on purpose. */
const rawSegment = fc.constantFrom('%E0%A4%A', '%ZZ', '%', '%2F', '%2e%2e', '%00', '%F0%9F%98%80', '%C0%AE');

function pathValue(name: string, world: FuzzWorld) {
  const real = name === 'linkId' ? world.linkIds : name === 'id' || name === 'requestId' ? world.requestIds : (VALID_PATH[name] ?? []);
  const validShaped = name === 'linkId' ? ['A'.repeat(43)] : ['R20261127-00000000', 'E1034', 'V001'];
  return fc.oneof(
    { weight: 4, arbitrary: real.length ? fc.constantFrom(...real).map(encodeURIComponent) : fc.constant('R20261127-00000000') },
    { weight: 2, arbitrary: fc.constantFrom(...validShaped) },
    { weight: 3, arbitrary: hostileText.filter((text) => text.length > 0).map(encodeURIComponent) },
    { weight: 1, arbitrary: rawSegment },
  );
}

/** A JSON value a few levels deep with the odd huge or deeply nested one. */
const anyJson = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 3000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0.5, 1e308, '300000', true, null) },
);

/** A valid body with one field changed, removed, or one added. */
function nearlyValid(bodies: unknown[]) {
  return fc
    .tuple(fc.constantFrom(...bodies), fc.nat(), anyJson, fc.constantFrom('change', 'remove', 'add', 'keep'))
    .map(([body, pick, value, how]) => {
      if (typeof body !== 'object' || body === null) return body;
      const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys[pick % Math.max(keys.length, 1)];
      if (how === 'change' && key) copy[key] = value;
      if (how === 'remove' && key) delete copy[key];
      if (how === 'add') copy[`extra${pick % 3}`] = value;
      return copy;
    });
}

export interface FuzzCase {
  operation: FuzzOperation;
  caller: string;
  path: string;
  query: [string, string][];
  contentType: string | undefined;
  body: Uint8Array | undefined;
  idempotencyKey: string | undefined;
}

const encodeBody = (value: unknown, type: string | undefined): Uint8Array => {
  if (type === 'application/x-www-form-urlencoded' && value && typeof value === 'object') {
    return new TextEncoder().encode(
      new URLSearchParams(Object.entries(value).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString(),
    );
  }
  return new TextEncoder().encode(JSON.stringify(value) ?? '');
};

/** One request: an operation of the document, a caller, and valid, nearly valid or hostile inputs. */
export function fuzzCase(operations: FuzzOperation[], world: FuzzWorld): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom(...operations).chain((operation) => {
    const bodies = VALID_BODIES[operation.id] ?? [{}];
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...bodies).map((value) => encodeBody(value, operation.bodyType)) },
      { weight: 5, arbitrary: nearlyValid(bodies).map((value) => encodeBody(value, operation.bodyType)) },
      { weight: 2, arbitrary: anyJson.map((value) => encodeBody(value, operation.bodyType)) },
      { weight: 1, arbitrary: hostileText.map((text) => new TextEncoder().encode(text)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 70_000, max: 200_000 }).map((size) => new TextEncoder().encode(JSON.stringify({ reason: 'x'.repeat(size) }))),
      },
    );
    const queryValue = (name: string) =>
      fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(VALID_QUERY[name] ?? ['1'])) }, { weight: 2, arbitrary: hostileText });
    return fc.record({
      operation: fc.constant(operation),
      caller: fc.constantFrom(...Object.keys(world.tokens)),
      path: fc
        .tuple(...operation.pathParameters.map((name) => pathValue(name, world)))
        .map((values) => operation.pathParameters.reduce((path, name, i) => path.replace(`{${name}}`, values[i] ?? ''), operation.path)),
      query: fc.array(
        fc
          .constantFrom(...operation.query, ...operation.query, 'unknown')
          .chain((name) => queryValue(name).map((value): [string, string] => [name, value])),
        { maxLength: 4 },
      ),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant(operation.bodyType) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('text/plain', 'application/json; charset=euc-kr', 'multipart/form-data', 'application/json', undefined),
        },
      ),
      body: operation.bodyType
        ? fc.option(body, { freq: 8 }).map((value) => value ?? undefined)
        : fc.option(body, { freq: 1 }).map((value) => value ?? undefined),
      idempotencyKey: fc.option(fc.oneof(fc.constantFrom('key-1', 'key-2'), hostileText), { freq: 3 }).map((value) => value ?? undefined),
    });
  });
}

/** API Gateway's own refusals, in AWS as here: fixed English bodies no function writes. */
const GATEWAY_MESSAGES = new Set([
  'Not Found',
  'Unauthorized',
  'Bad Request',
  'Request Entity Too Large',
  'Request Header Fields Too Large',
  'Forbidden',
]);

export interface FuzzOutcome {
  status: number;
  /** What is wrong with the answer; empty when it is fine. */
  problems: string[];
}

/** Sends one case and judges the answer. */
export async function send(world: FuzzWorld, input: FuzzCase): Promise<FuzzOutcome> {
  const url = `${world.apiUrl}${input.path}${input.query.length ? `?${input.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''}`;
  const headers: Record<string, string> = {};
  const token = world.tokens[input.caller];
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (input.contentType) headers['content-type'] = input.contentType;
  if (input.idempotencyKey !== undefined) headers['idempotency-key'] = encodeURIComponent(input.idempotencyKey).slice(0, 2000);
  const withBody = input.body !== undefined && input.operation.method !== 'GET';
  const response = await fetch(url, { method: input.operation.method, headers, body: withBody ? input.body : undefined });
  const text = await response.text();
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`answered ${response.status}: ${text.slice(0, 300)}`);
  if (response.status >= 400 && response.status < 500) {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      const message = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof message !== 'string' || !(/[가-힣]/.test(message) || GATEWAY_MESSAGES.has(message))) {
        problems.push(`a ${response.status} without a Korean message: ${text.slice(0, 300)}`);
      }
    } else if (!/[가-힣]/.test(text)) problems.push(`a ${response.status} page without Korean text`);
    if (/at .+\.(ts|js|mjs):\d+|Exception|ValidationError:|DynamoDB/.test(text))
      problems.push(`a ${response.status} that leaks internals: ${text.slice(0, 300)}`);
  }
  return { status: response.status, problems };
}

/** Whether a case changes something when it succeeds (anything but reads). */
export const changesState = (input: FuzzCase) => input.operation.method !== 'GET';
