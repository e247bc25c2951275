import * as z from 'zod';
import { ValidationError } from '../../kernel/errors.js';
import { formatKrw, seoulDate, yearOf } from '../../kernel/seoul-time.js';
import { optionalText, parseOrThrow, text, wholeNumber } from '../../kernel/validation.js';
import { krw } from '../../policies/approval-policy.js';
import { defineKind, type StepInput } from '../kind.js';

export const urgencyLabels = { urgent: '긴급(안전 위험)', normal: '일반', planned: '계획' } as const;

const details = z
  .object({
    building: z.string({ error: '건물(building)을 입력하세요' }),
    floor: z.string({ error: '층(floor)을 입력하세요 (예: B1, 3F)' }),
    location: text('위치(location)', 200),
    category: z.string({ error: '분류(category)를 입력하세요' }),
    urgency: z.enum(['urgent', 'normal', 'planned'], { error: '긴급도(urgency)는 urgent(긴급), normal(일반), planned(계획) 중 하나여야 합니다' }),
    description: text('내용(description)', 2000),
  })
  .strict();

export type FacilityRepairDetails = z.infer<typeof details>;

const floor = z.int().refine((n) => n !== 0, 'there is no floor 0');
const building = z
  .object({
    name: z.string(),
    /** Basement floors are negative (B3 = -3); there is no floor 0. */
    lowestFloor: floor,
    highestFloor: floor.positive(),
    /** The team that triages its repairs and at whose level 전결 is counted. */
    managingTeam: z.string(),
    /** The budget line (of `finance.budgetLines`) its repairs are charged to. */
    budgetLine: z.string(),
  })
  .refine((b) => b.lowestFloor <= b.highestFloor, 'lowestFloor must not be above highestFloor');

const rules = z.object({
  buildings: z.record(z.string(), building),
  categories: z.record(z.string(), z.string()),
  /** Who hears of an urgent request at once, in the building's managing team. */
  urgentNotice: z.object({ teamLeader: z.boolean(), roles: z.array(z.string()) }),
  /** 지방계약법 시행령 §30: one quote suffices up to this estimate; above it, at least `minimumAbove`. */
  quotes: z.object({ singleQuoteUpToKrw: krw, minimumAbove: z.int().min(2) }),
  /** Days after completion is reported that the request closes unless the requester objects. */
  autoCloseDays: z.int().positive(),
});

export type FacilityRepairRules = z.infer<typeof rules>;

/** The managing unit's triage: the estimate 전결 is counted on, and the quotes behind it. */
export const triageSchema = z.object({
  estimateKrw: z.int().nonnegative(),
  quoteCount: z.int().nonnegative(),
  contractor: z.string().optional(),
  note: z.string().optional(),
  by: z.string(),
  byName: z.string(),
  at: z.string(),
});

/**
 * After approval: the budget line and year it is charged to, what was committed (the approved
 * estimate), and once reported done, the actual cost; `closesAt` is when it completes unless the
 * requester objects.
 */
const workSchema = z.object({
  budgetLine: z.string(),
  budgetYear: z.int(),
  committedKrw: z.int().nonnegative(),
  actualCostKrw: z.int().nonnegative().optional(),
  completedOn: z.iso.date().optional(),
  reportedBy: z.string().optional(),
  reportedAt: z.string().optional(),
  closesAt: z.string().optional(),
  closedAt: z.string().optional(),
});
export type RepairWork = z.infer<typeof workSchema>;

/** `B3` → -3, `6F` → 6; anything else is not a floor. */
export function floorNumber(floor: string): number | undefined {
  const match = /^(?:B([1-9]\d?)|([1-9]\d?)F)$/.exec(floor);
  if (!match) return undefined;
  return match[1] ? -Number(match[1]) : Number(match[2]);
}

export const floorName = (n: number) => (n < 0 ? `B${-n}` : `${n}F`);

/** The building's floors, as people write them (`B3–6F`). */
export const floorRange = (building: { lowestFloor: number; highestFloor: number }) =>
  building.lowestFloor === building.highestFloor
    ? floorName(building.lowestFloor)
    : `${floorName(building.lowestFloor)}–${floorName(building.highestFloor)}`;

/** The category code for a submitted value: the code itself or its Korean name (누수/방수). */
export function categoryOf(rules: Pick<FacilityRepairRules, 'categories'>, value: string): string | undefined {
  if (Object.hasOwn(rules.categories, value)) return value;
  return Object.entries(rules.categories).find(([, label]) => label === value)?.[0];
}

const buildingOf = (rules: FacilityRepairRules, id: string) => (Object.hasOwn(rules.buildings, id) ? rules.buildings[id] : undefined);
const choices = (entries: Record<string, string>) =>
  Object.entries(entries)
    .map(([code, label]) => `${code}(${label})`)
    .join(', ');

const triageForm = z.object({
  estimateKrw: wholeNumber('추정 금액(estimateKrw)'),
  contractor: optionalText('업체(contractor)', 200),
  note: optionalText('검토 메모(note)', 1000),
});

/** The document type of a written quote (견적서), as the kind's policy block names it. */
const QUOTE = 'quote';

/**
 * 시설 보수 접수 검토 (a repair's `facility-triage` step input): the managing unit's estimate, with the
 * written quotes behind it, attached as files (`quoteAttachments`). Above the single-quote limit
 * (지방계약법 시행령 §30) fewer quote files than required is refused: the line cannot reach approval
 * without them. The 전결 level is resolved on the estimate.
 */
const facilityTriage: StepInput<unknown, FacilityRepairRules, { triage?: z.infer<typeof triageSchema> }> = {
  fields: ({ quotes }) => [
    {
      name: 'estimateKrw',
      label: '추정 금액(원)',
      type: 'number',
      required: true,
      help:
        `전결 단계가 이 금액으로 정해집니다. ${formatKrw(quotes.singleQuoteUpToKrw)} 초과는 견적서 파일 ${quotes.minimumAbove}건 이상 ` +
        '(지방계약법 시행령 §30): 견적서는 API로 올려 quoteAttachments로 첨부합니다',
    },
    { name: 'contractor', label: '업체', type: 'text', required: false },
    { name: 'note', label: '검토 메모', type: 'text', required: false },
  ],
  documents: { field: 'quoteAttachments' },
  async prepare({ raw, attached, actor, at, rules }) {
    const { quoteAttachments: _files, ...fields } = raw;
    const form = parseOrThrow(triageForm, fields);
    const quoteCount = attached.filter((attachment) => attachment.documentType === QUOTE).length;
    const { singleQuoteUpToKrw, minimumAbove } = rules.quotes;
    if (form.estimateKrw > singleQuoteUpToKrw && quoteCount < minimumAbove) {
      throw new ValidationError(
        `추정 금액 ${formatKrw(form.estimateKrw)}은(는) ${formatKrw(singleQuoteUpToKrw)}을 넘어 견적서 파일이 ${minimumAbove}건 이상 있어야 결재로 넘길 수 있습니다 (지방계약법 시행령 §30).`,
        [{ path: 'quoteAttachments', message: `견적서 파일 ${minimumAbove}건 이상을 첨부해야 합니다 (첨부: ${quoteCount}건)` }],
      );
    }
    return {
      state: { triage: { ...form, quoteCount, by: actor.id, byName: actor.name, at } },
      record: { estimateKrw: form.estimateKrw, quoteCount, ...(form.contractor ? { contractor: form.contractor } : {}) },
      amounts: { estimateKrw: form.estimateKrw },
    };
  },
};

/**
 * 청사 시설 보수: where (building and a floor that building has), what, how urgent. The building
 * decides who handles it — its managing team triages and sets the estimate, and 전결 is counted
 * from that team (총무팀 for most buildings, 주차문화과 for its own). Approved, the work is charged to
 * the building's budget line for the year of approval; the unit reports it done, the requester
 * confirms (or it closes by itself after the confirmation period).
 */
export const facilityRepair = defineKind({
  id: 'facility-repair',
  label: '청사 시설 보수',
  description: 'facility repair request',
  details,
  rules,
  state: { triage: triageSchema.optional(), work: workSchema.optional() },
  newRound: () => ({ triage: undefined }),
  privacy: { sensitive: false, handlingUnitReads: true },
  lifecycle: {
    statuses: { 'in-progress': '시공 중', 'work-done': '완료 확인 대기', completed: '완료' },
    moves: { approved: ['in-progress'], 'in-progress': ['work-done'], 'work-done': ['completed', 'in-progress'] },
  },
  assess(details, { rules }) {
    const building = buildingOf(rules, details.building);
    if (!building) {
      throw new ValidationError('건물(building)이 올바르지 않습니다.', [
        {
          path: 'building',
          message: `${choices(Object.fromEntries(Object.entries(rules.buildings).map(([id, b]) => [id, b.name])))} 중 하나여야 합니다`,
        },
      ]);
    }
    const floor = floorNumber(details.floor);
    if (floor === undefined || floor < building.lowestFloor || floor > building.highestFloor) {
      throw new ValidationError(`${building.name}에 없는 층입니다: ${details.floor}`, [
        { path: 'floor', message: `${building.name}은(는) ${floorRange(building)}입니다 (지하는 B1, 지상은 1F처럼 입력)` },
      ]);
    }
    if (!categoryOf(rules, details.category)) {
      throw new ValidationError('분류(category)가 올바르지 않습니다.', [
        { path: 'category', message: `${choices(rules.categories)} 중 하나여야 합니다` },
      ]);
    }
    return { urgent: details.urgency === 'urgent', handlingTeamId: building.managingTeam };
  },
  summarize(details, rules) {
    const code = categoryOf(rules, details.category);
    return [
      ['건물', buildingOf(rules, details.building)?.name ?? details.building],
      ['층', details.floor],
      ['위치', details.location],
      ['분류', code ? (rules.categories[code] ?? details.category) : details.category],
      ['긴급도', urgencyLabels[details.urgency]],
      ['내용', details.description],
    ];
  },
  progress: (request) => (request.triage ? [['견적 금액', `${formatKrw(request.triage.estimateKrw)} (견적 ${request.triage.quoteCount}건)`]] : []),
  outcome: (request) => ({
    lines: request.work ? [['승인 금액(견적)', formatKrw(request.work.committedKrw)]] : [],
    next: request.status === 'in-progress' ? '관리 부서가 보수를 진행합니다. 완료되면 확인 요청을 보내 드립니다.' : undefined,
  }),
  afterApproval(request, { at, rules }) {
    const building = buildingOf(rules, request.details.building);
    if (!building || !request.triage) throw new Error(`approved repair ${request.id} has no building or triage`);
    const year = yearOf(seoulDate(new Date(at)));
    const committed = request.triage.estimateKrw;
    return {
      status: 'in-progress',
      state: { work: { budgetLine: building.budgetLine, budgetYear: year, committedKrw: committed } },
      budget: [{ line: building.budgetLine, year, committedKrw: committed, outstandingKrw: committed }],
    };
  },
  inputs: { 'facility-triage': facilityTriage },
  followUps: {
    /** A reported repair nobody objected to within the confirmation period is completed. */
    'auto-close': (request, { now, rules }) => {
      if (request.status !== 'work-done' || !request.work) return { acted: false };
      return {
        acted: true,
        status: 'completed',
        state: { work: { ...request.work, closedAt: now.toISOString() } },
        event: { action: 'confirmed', comment: `완료 보고 후 ${rules.autoCloseDays}일 동안 이의가 없어 완료 처리` },
      };
    },
  },
  urgentNotice: (rules) => rules.urgentNotice,
  events: {
    on: { confirmed: 'RepairCompleted' },
    facts: (request) => ({
      building: request.details.building,
      ...(request.work ? { budgetLine: request.work.budgetLine, committedKrw: request.work.committedKrw } : {}),
      ...(request.work?.actualCostKrw !== undefined ? { actualCostKrw: request.work.actualCostKrw } : {}),
      ...(request.work?.completedOn ? { completedOn: request.work.completedOn } : {}),
    }),
  },
  finance: {
    payable: false,
    committedKrw: (request) => request.work?.committedKrw,
    building: { of: (request) => request.details.building, name: (rules, id) => buildingOf(rules, id)?.name ?? id },
    budgetLines: (rules) => Object.values(rules.buildings).map((b) => b.budgetLine),
  },
  routes: [
    {
      method: 'POST',
      path: '/requests/{id}/work-report',
      entry: 'functions/http/report-work.ts',
      operationId: 'reportWork',
      access: 'read-write',
      tells: true,
    },
    {
      method: 'POST',
      path: '/requests/{id}/confirmation',
      entry: 'functions/http/confirm-work.ts',
      operationId: 'confirmWork',
      access: 'read-write',
      tells: true,
    },
    { method: 'GET', path: '/facilities/budget', entry: 'functions/http/facility-budget.ts', operationId: 'facilityBudget', access: 'read' },
  ],
});
