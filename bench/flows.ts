import { readFileSync } from 'node:fs';
import { issueToken } from '../infra/local/jwt-issuer.js';
import type { LocalRuntime } from '../infra/local/runtime.js';
import type { FunctionUsage, Usage } from '../infra/local/usage-meter.js';
import { officePolicy } from '../shared/policies/office-policy.js';

/** What the product used, without the benchmark's own polling (GET /requests/{id}) and the calls made outside any function. */
function productUsage(used: Usage): FunctionUsage & { functions: number; byFunction: Usage['byFunction'] } {
  const total = {
    invocations: 0,
    ms: 0,
    readUnits: 0,
    writeUnits: 0,
    awsWriteUnits: 0,
    dynamoMs: 0,
    functions: 0,
    byFunction: {} as Usage['byFunction'],
  };
  for (const [name, tally] of Object.entries(used.byFunction)) {
    if (name.startsWith('ApiGetRequest') || name === '(outside)') continue;
    total.byFunction[name] = tally;
    total.invocations += tally.invocations;
    total.ms += tally.ms;
    total.readUnits += tally.readUnits;
    total.writeUnits += tally.writeUnits;
    total.awsWriteUnits += tally.awsWriteUnits;
    total.dynamoMs += tally.dynamoMs;
    total.functions += 1;
  }
  return total;
}

/**
 * Items 3 and 4 of the benchmark, through the local runtime (the template's real state machines
 * and functions): warm latency of the main routes with DynamoDB's share, and what a request of
 * each kind uses over its whole line — transitions, invocations, capacity — and costs.
 */

/** Prices used (USD), stated in the output. Step Functions as given in ARCHITECTURE.md; Lambda and DynamoDB Seoul list prices as configured here. */
export const PRICES = {
  stepFunctionsPer1000Transitions: 0.0271,
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecondArm64: 0.0000133334,
  dynamoPerMillionWriteUnits: 0.7049,
  dynamoPerMillionReadUnits: 0.141,
  lambdaMemoryGb: 0.5,
  source:
    'ap-northeast-2 list prices (Lambda arm64, DynamoDB on-demand Standard) entered by hand; this machine cannot reach aws.amazon.com to check them',
} as const;

interface Api {
  call(method: string, path: string, as: string, json?: unknown): Promise<{ status: number; body: any; ms: number }>;
  usage(): Promise<Usage>;
  resetUsage(): Promise<void>;
  now(): Promise<Date>;
}

export function apiOf(runtime: LocalRuntime): Api {
  const tokens = new Map<string, string>();
  const token = async (id: string) => tokens.get(id) ?? tokens.set(id, await issueToken({ dataDir: runtime.dataDir, subject: id })).get(id) ?? '';
  return {
    async call(method, path, as, json) {
      const started = performance.now();
      const response = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token(as)}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: response.status, body, ms };
    },
    usage: async () => (await (await fetch(`${runtime.apiUrl}/_local/usage`)).json()) as Usage,
    resetUsage: async () => void (await fetch(`${runtime.apiUrl}/_local/usage/reset`, { method: 'POST' })),
    now: async () => new Date(((await (await fetch(`${runtime.apiUrl}/_local/clock`)).json()) as { now: string }).now),
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Decides every stage of a request through the API (with the input an input step needs) until it is closed; returns the decisions made. */
async function driveLine(api: Api, id: string, requester: string, inputs: Record<string, unknown> = {}): Promise<number> {
  let decisions = 0;
  for (;;) {
    const request = await until(async () => {
      const current = (await api.call('GET', `/requests/${id}`, requester)).body as {
        status: string;
        steps: { stage: number; status: string; approverId: string; input?: string }[];
      };
      if (current.status !== 'in-review') return current;
      return current.steps.some((step) => step.status === 'waiting') ? current : undefined;
    }, `${id} to wait for a decision`);
    if (request.status !== 'in-review') return decisions;
    for (const step of request.steps.filter((candidate) => candidate.status === 'waiting')) {
      const decided = await api.call('POST', `/approvals/${id}/decision`, step.approverId, { decision: 'approve', ...(step.input ? inputs : {}) });
      if (decided.status !== 200) throw new Error(`deciding ${id}: ${decided.status} ${JSON.stringify(decided.body)}`);
      decisions += 1;
    }
    await until(async () => {
      const current = (await api.call('GET', `/requests/${id}`, requester)).body as { status: string; steps: { status: string }[] };
      return current.status !== 'in-review' || current.steps.some((step) => step.status === 'waiting') ? true : undefined;
    }, `${id} to move on`);
  }
}

export interface KindCost {
  kind: string;
  requests: number;
  decisionsPerRequest: number;
  transitionsPerRequest: number;
  transitionFloor: number;
  lambdaInvocationsPerRequest: number;
  readUnitsPerRequest: number;
  /** Write units as DynamoDB Local reported them. */
  writeUnitsPerRequest: number;
  /** Write units as AWS would bill them (transactions re-counted per item; see infra/local/write-units.ts); the cost uses these. */
  awsWriteUnitsPerRequest: number;
  lambdaGbSecondsPerRequest: number;
  usdPer1000Requests: { stepFunctions: number; lambda: number; dynamoDb: number; total: number };
  /** Per function (template logical id), per request: where the invocations and capacity went. */
  perFunction: Record<string, { invocations: number; readUnits: number; writeUnits: number; awsWriteUnits: number }>;
}

/** The sample receipt `npm start`'s README example uploads: a real, small PDF. */
const SAMPLE_PDF = readFileSync(new URL('../infra/local/seed/sample-receipt.pdf', import.meta.url));

/** Declares a document, PUTs its bytes to the presigned URL; returns its id and the two calls' times. */
async function upload(api: Api, as: string, kind: string, documentType: string): Promise<{ id: string; declareMs: number; putMs: number }> {
  const ticket = await api.call('POST', '/attachments', as, {
    kind,
    documentType,
    fileName: `${documentType}.pdf`,
    contentType: 'application/pdf',
    sizeBytes: SAMPLE_PDF.length,
  });
  if (ticket.status !== 201) throw new Error(`POST /attachments: ${ticket.status} ${JSON.stringify(ticket.body)}`);
  const started = performance.now();
  const put = await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: SAMPLE_PDF });
  await put.arrayBuffer();
  if (!put.ok) throw new Error(`upload PUT: ${put.status}`);
  return { id: ticket.body.attachmentId, declareMs: ticket.ms, putMs: performance.now() - started };
}

/** The documents a kind requires in any case (the first type of each requirement), uploaded by `as`. */
async function requiredDocuments(api: Api, as: string, kind: string): Promise<string[]> {
  const types = officePolicy.kinds[kind]?.documents.required.flatMap((requirement) => requirement.anyOf.slice(0, 1)) ?? [];
  return Promise.all(types.map(async (documentType) => (await upload(api, as, kind, documentType)).id));
}

/** Item 4: each kind's requests through their whole line, metered. */
export async function benchKinds(runtime: LocalRuntime, options: { perKind: number; log: (line: string) => void }): Promise<KindCost[]> {
  const api = apiOf(runtime);
  const now = await api.now();
  const day = (days: number, hour: number) =>
    new Date(
      Date.parse(
        `${new Date(now.getTime() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+09:00`,
      ),
    ).toISOString();
  const today = new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  const people = ['E1034', 'E1039', 'E1040', 'E1043', 'E1044', 'E1045', 'E1048', 'E1049', 'E1021', 'E1022', 'E1025', 'E1026'];
  const kinds: { kind: string; body: (i: number) => Record<string, unknown>; inputs?: Record<string, unknown> }[] = [
    { kind: 'health-checkup', body: () => ({ checkupDate: today, amountPaid: 320_000, clinic: '한빛검진센터' }) },
    {
      kind: 'infertility-treatment',
      body: () => ({ treatmentDate: today, amountPaid: 900_000, clinic: '한빛여성의원', treatmentType: 'ivf-frozen-embryo' }),
    },
    {
      kind: 'facility-repair',
      body: (i) => ({ building: 'annex', floor: `${(i % 6) + 1}F`, location: '복도', category: 'leak', urgency: 'normal', description: '누수' }),
      inputs: { estimateKrw: 1_500_000 },
    },
    {
      kind: 'vehicle-booking',
      body: (i) => ({ vehicleClass: 'passenger-mid', from: day(2 + i, 9), to: day(2 + i, 12), purpose: '점검', destination: '관내', passengers: 2 }),
      inputs: {},
    },
    {
      kind: 'personnel-transfer',
      body: () => ({ preferences: ['finance'], reason: '업무 역량 확대', exceptionGround: 'reorganisation', exceptionDetail: '직제 개편' }),
    },
    { kind: 'vaccination', body: () => ({ vaccine: 'influenza', vaccinationDate: today, amountPaid: 30_000, clinic: '한빛내과의원' }) },
  ];
  const results: KindCost[] = [];
  for (const spec of kinds) {
    await api.resetUsage();
    let decisions = 0;
    for (let i = 0; i < options.perKind; i++) {
      const requester = people[i % people.length] ?? 'E1034';
      const attachments = await requiredDocuments(api, requester, spec.kind);
      const submitted = await api.call('POST', '/requests', requester, { kind: spec.kind, ...spec.body(i), attachments });
      if (submitted.status !== 201) throw new Error(`${spec.kind} submission by ${requester}: ${submitted.status} ${JSON.stringify(submitted.body)}`);
      decisions += await driveLine(api, submitted.body.id, requester, spec.inputs);
      // The workflow's last step (Finalize) runs after the last decision.
      await until(
        async () => ((await api.call('GET', `/requests/${submitted.body.id}`, requester)).body.status === 'in-review' ? undefined : true),
        'the line to close',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the last Finalize tasks be counted
    const used = await api.usage();
    const product = productUsage(used);
    // Every line writes (the request, its history): no write units means the meter missed them, and a wrong table is worse than none.
    if (product.writeUnits === 0)
      throw new Error(`capacity metering recorded no write units for ${spec.kind}: the usage meter is not seeing ConsumedCapacity`);
    const n = options.perKind;
    const gbSeconds = (product.ms / 1000) * PRICES.lambdaMemoryGb;
    const perRequest = {
      transitions: used.stateTransitions / n,
      invocations: product.invocations / n,
      read: product.readUnits / n,
      write: product.writeUnits / n,
      awsWrite: product.awsWriteUnits / n,
      gbSeconds: gbSeconds / n,
    };
    const usd = {
      stepFunctions: perRequest.transitions * 1000 * (PRICES.stepFunctionsPer1000Transitions / 1000),
      lambda: perRequest.invocations * 1000 * (PRICES.lambdaPerMillionRequests / 1e6) + perRequest.gbSeconds * 1000 * PRICES.lambdaPerGbSecondArm64,
      dynamoDb:
        perRequest.awsWrite * 1000 * (PRICES.dynamoPerMillionWriteUnits / 1e6) + perRequest.read * 1000 * (PRICES.dynamoPerMillionReadUnits / 1e6),
    };
    results.push({
      kind: spec.kind,
      requests: n,
      decisionsPerRequest: decisions / n,
      transitionsPerRequest: perRequest.transitions,
      transitionFloor: decisions / n,
      lambdaInvocationsPerRequest: perRequest.invocations,
      readUnitsPerRequest: perRequest.read,
      writeUnitsPerRequest: perRequest.write,
      awsWriteUnitsPerRequest: perRequest.awsWrite,
      lambdaGbSecondsPerRequest: perRequest.gbSeconds,
      usdPer1000Requests: { ...usd, total: usd.stepFunctions + usd.lambda + usd.dynamoDb },
      perFunction: Object.fromEntries(
        Object.entries(product.byFunction).map(([name, tally]) => [
          name,
          {
            invocations: tally.invocations / n,
            readUnits: tally.readUnits / n,
            writeUnits: tally.writeUnits / n,
            awsWriteUnits: tally.awsWriteUnits / n,
          },
        ]),
      ),
    });
    options.log(`  ${spec.kind}: ${perRequest.transitions.toFixed(1)} transitions/request (floor ${(decisions / n).toFixed(1)})`);
  }
  return results;
}

export interface RouteLatency {
  route: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  dynamoShare: number;
}

/** Item 3: warm latency of the main routes through the local runtime, and the share of it spent in DynamoDB. */
export async function benchRoutes(runtime: LocalRuntime, options: { samples: number; log: (line: string) => void }): Promise<RouteLatency[]> {
  const api = apiOf(runtime);
  const requester = 'E1046';
  const body = {
    kind: 'facility-repair',
    building: 'main-hall',
    floor: '2F',
    location: '복도',
    category: 'other',
    urgency: 'planned',
    description: '벤치마크',
  };
  const measure = async (route: string, call: (i: number) => Promise<{ status: number; ms: number }>) => {
    for (let i = 0; i < 3; i++) await call(-1 - i); // warm the route's function
    await api.resetUsage();
    const times: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const result = await call(i);
      if (result.status >= 400) throw new Error(`${route}: ${result.status}`);
      times.push(result.ms);
    }
    // The share of the route's function time spent waiting on DynamoDB (the workflow's own functions excluded).
    const used = await api.usage();
    const route_ = Object.entries(used.byFunction).filter(([name]) => name.startsWith('Api'));
    const functionMs = route_.reduce((sum, [, tally]) => sum + tally.ms, 0);
    const dynamoMs = route_.reduce((sum, [, tally]) => sum + tally.dynamoMs, 0);
    const row = {
      route,
      samples: times.length,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      dynamoShare: functionMs > 0 ? dynamoMs / functionMs : 0,
    };
    options.log(`  ${route}: p50 ${row.p50Ms.toFixed(1)} ms, p99 ${row.p99Ms.toFixed(1)} ms`);
    return row;
  };
  const ids: string[] = [];
  const submit = await measure('POST /requests', async () => {
    const response = await api.call('POST', '/requests', requester, body);
    ids.push(response.body.id);
    return response;
  });
  const get = await measure('GET /requests/{id}', (i) => api.call('GET', `/requests/${ids[Math.abs(i) % ids.length]}`, requester));
  const list = await measure('GET /requests', () => api.call('GET', '/requests?limit=20', requester));
  // Decisions: the triage of each submitted repair (an input step with its estimate).
  const waiting = await Promise.all(
    ids.map((id) =>
      until(async () => {
        const request = (await api.call('GET', `/requests/${id}`, requester)).body as { steps: { status: string; approverId: string }[] };
        return request.steps.find((step) => step.status === 'waiting')
          ? { id, approverId: request.steps.find((step) => step.status === 'waiting')?.approverId ?? '' }
          : undefined;
      }, `${id} waiting`),
    ),
  );
  const decide = await measure('POST /approvals/{id}/decision', (i) => {
    const target = waiting[i < 0 ? -1 - i : i + 3];
    if (!target) throw new Error('not enough waiting requests');
    return api.call('POST', `/approvals/${target.id}/decision`, target.approverId, { decision: 'approve', estimateKrw: 900_000 });
  });
  return [submit, get, list, decide];
}

export interface DocumentRoundTrip {
  samples: number;
  /** POST /attachments (the upload URL signed). */
  declareP50Ms: number;
  /** The bytes PUT to the local S3 with the presigned URL. */
  putP50Ms: number;
  /** POST /requests binding the upload (its first bytes read, its tags set, bound in the transaction). */
  submitP50Ms: number;
  /** GET /requests/{id}/attachments/{id} (303, download URL signed, the read recorded) and the file's GET. */
  redirectP50Ms: number;
  downloadP50Ms: number;
}

/** Issue 16: a receipt's round trip through the local runtime and its S3: declared, uploaded, bound, read back by a reviewer. */
export async function benchDocuments(runtime: LocalRuntime, options: { samples: number; log: (line: string) => void }): Promise<DocumentRoundTrip> {
  const api = apiOf(runtime);
  const requester = 'E1040';
  const declare: number[] = [];
  const put: number[] = [];
  const submit: number[] = [];
  const redirect: number[] = [];
  const download: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const uploaded = await upload(api, requester, 'facility-repair', 'photo');
    declare.push(uploaded.declareMs);
    put.push(uploaded.putMs);
    const submitted = await api.call('POST', '/requests', requester, {
      kind: 'facility-repair',
      building: 'main-hall',
      floor: '3F',
      location: `복도 ${i}`,
      category: 'other',
      urgency: 'planned',
      description: '사진 첨부 벤치마크',
      attachments: [uploaded.id],
    });
    if (submitted.status !== 201) throw new Error(`submission with a photo: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    submit.push(submitted.ms);
    const started = performance.now();
    const response = await fetch(`${runtime.apiUrl}/requests/${submitted.body.id}/attachments/${uploaded.id}`, {
      headers: { authorization: `Bearer ${await issueToken({ dataDir: runtime.dataDir, subject: requester })}` },
      redirect: 'manual',
    });
    await response.arrayBuffer();
    redirect.push(performance.now() - started);
    if (response.status !== 303) throw new Error(`opening the photo: ${response.status}`);
    const fetched = performance.now();
    const file = await fetch(response.headers.get('location') ?? '');
    const bytes = Buffer.from(await file.arrayBuffer());
    download.push(performance.now() - fetched);
    if (!bytes.equals(SAMPLE_PDF)) throw new Error('the downloaded photo is not what was uploaded');
  }
  const row = {
    samples: options.samples,
    declareP50Ms: percentile(declare, 50),
    putP50Ms: percentile(put, 50),
    submitP50Ms: percentile(submit, 50),
    redirectP50Ms: percentile(redirect, 50),
    downloadP50Ms: percentile(download, 50),
  };
  options.log(`  documents: declare ${row.declareP50Ms.toFixed(1)} ms, PUT ${row.putP50Ms.toFixed(1)} ms, open ${row.redirectP50Ms.toFixed(1)} ms`);
  return row;
}
