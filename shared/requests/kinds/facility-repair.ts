import * as z from 'zod';
import { ValidationError } from '../../kernel/errors.js';
import { seoulDate, yearOf } from '../../kernel/seoul-time.js';
import { text } from '../../kernel/validation.js';
import { type FacilityRepairPolicy, officePolicy } from '../../policies/office-policy.js';
import type { RequestKind } from './request-kind.js';

export const urgencyLabels = { urgent: '긴급(안전 위험)', normal: '일반', planned: '계획' } as const;

const facilityRepairDetails = z
  .object({
    building: z.string({ error: '건물(building)을 입력하세요' }),
    floor: z.string({ error: '층(floor)을 입력하세요 (예: B1, 3F)' }),
    location: text('위치(location)', 200),
    category: z.string({ error: '분류(category)를 입력하세요' }),
    urgency: z.enum(['urgent', 'normal', 'planned'], { error: '긴급도(urgency)는 urgent(긴급), normal(일반), planned(계획) 중 하나여야 합니다' }),
    description: text('내용(description)', 2000),
  })
  .strict();

export type FacilityRepairDetails = z.infer<typeof facilityRepairDetails>;

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
export function categoryOf(rules: FacilityRepairPolicy, value: string): string | undefined {
  if (Object.hasOwn(rules.categories, value)) return value;
  return Object.entries(rules.categories).find(([, label]) => label === value)?.[0];
}

/**
 * 청사 시설 보수: where (building and a floor that building has), what, how urgent. The building
 * decides who handles it — its managing team triages and sets the estimate, and 전결 is counted
 * from that team (총무팀 for most buildings, 주차문화과 for its own). After approval the work is
 * charged to the building's budget line for the year of approval.
 */
export const facilityRepair: RequestKind<FacilityRepairDetails> = {
  kind: 'facility-repair',
  label: '청사 시설 보수',
  sensitive: false,
  detailsSchema: facilityRepairDetails,
  assess(details, { policy }) {
    const rules = policy.facilityRepair;
    const building = Object.hasOwn(rules.buildings, details.building) ? rules.buildings[details.building] : undefined;
    if (!building) {
      throw new ValidationError('건물(building)이 올바르지 않습니다.', [
        {
          path: 'building',
          message: `${Object.entries(rules.buildings)
            .map(([id, b]) => `${id}(${b.name})`)
            .join(', ')} 중 하나여야 합니다`,
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
        {
          path: 'category',
          message: `${Object.entries(rules.categories)
            .map(([code, label]) => `${code}(${label})`)
            .join(', ')} 중 하나여야 합니다`,
        },
      ]);
    }
    return { urgent: details.urgency === 'urgent', handlingTeamId: building.managingTeam };
  },
  summarize(details) {
    const rules = officePolicy.facilityRepair;
    const code = categoryOf(rules, details.category);
    return [
      ['건물', (Object.hasOwn(rules.buildings, details.building) ? rules.buildings[details.building]?.name : undefined) ?? details.building],
      ['층', details.floor],
      ['위치', details.location],
      ['분류', code ? (rules.categories[code] ?? details.category) : details.category],
      ['긴급도', urgencyLabels[details.urgency]],
      ['내용', details.description],
    ];
  },
  afterApproval(request, { at, policy }) {
    const id = String(request.details['building']);
    const building = Object.hasOwn(policy.facilityRepair.buildings, id) ? policy.facilityRepair.buildings[id] : undefined;
    if (!building || !request.triage) throw new Error(`approved repair ${request.id} has no building or triage`);
    const year = yearOf(seoulDate(new Date(at)));
    const committed = request.triage.estimateKrw;
    return {
      request: {
        ...request,
        status: 'in-progress',
        work: { budgetLine: building.budgetLine, budgetYear: year, committedKrw: committed },
      },
      budget: [{ line: building.budgetLine, year, committedKrw: committed, outstandingKrw: committed }],
    };
  },
};
