import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEED_FLEET } from '../../infra/local/seed.js';
import { type CalendarEntry, fleetSchema, overlaps } from '../../shared/fleet/fleet.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { vehicleBooking } from '../../shared/requests/kinds/vehicle-booking.js';
import {
  advanceClock,
  api,
  decisionLinkIn,
  eventsPublished,
  eventually,
  postForm,
  runSchedules,
  type StepView,
  suiteBackend,
  waitForEmail,
} from './harness.js';

/** 공용차량 배차 through the local runtime, on the office's default policy and the seeded fleet. */
const fleet = fleetSchema.parse(JSON.parse(readFileSync(SEED_FLEET, 'utf8')));
const REQUESTER = 'E1039'; // 교통정책팀 주무관
const TEAM_LEADER = 'E1038'; // 교통정책팀장
const CLEANING_STAFF = 'E1048'; // 청소행정팀
const LARGE = fleet.filter((vehicle) => vehicle.vehicleClass === 'passenger-large' && vehicle.status === 'active');
const MID = fleet.filter(
  (vehicle) => vehicle.vehicleClass === 'passenger-mid' && vehicle.status === 'active' && vehicle.managingDepartmentId === 'general-affairs',
);
const RETIRED = fleet.find((vehicle) => vehicle.status === 'retired');
const AMBULANCE = fleet.find((vehicle) => vehicle.vehicleClass === 'special-ambulance');
const CLEANING_TRUCK = fleet.find((vehicle) => vehicle.vehicleClass === 'special-cleaning');
const HOUR = 3_600_000;

type Step = StepView & { input?: string };
interface Booking {
  id: string;
  status: string;
  steps: Step[];
  booking?: { vehicleId: string; plate: string; from: string; to: string; suggested: boolean; releasedAt?: string };
  tripLog?: { distanceKm: number };
}

describe('official vehicle bookings through the local runtime', () => {
  const backend = suiteBackend();
  let now = 0;
  beforeAll(async () => {
    now = Date.parse(((await api(backend, 'GET', '/_local/clock')).body as { now: string }).now);
  });
  /** A Seoul wall-clock time `days` after the backend's today, at `hour`:`minute`. */
  const seoulAt = (days: number, hour: number, minute = 0) => {
    const today = new Date(now + 9 * HOUR).toISOString().slice(0, 10);
    const date = new Date(Date.parse(`${today}T00:00:00Z`) + days * 24 * HOUR).toISOString().slice(0, 10);
    return `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+09:00`;
  };
  const book = (body: Record<string, unknown> = {}, as = REQUESTER) =>
    api(backend, 'POST', '/requests', {
      as,
      json: {
        kind: 'vehicle-booking',
        vehicleClass: 'passenger-mid',
        from: seoulAt(2, 9),
        to: seoulAt(2, 18),
        purpose: '현장 점검',
        destination: '한빛구 관내',
        passengers: 2,
        ...body,
      },
    });
  const get = async (id: string, as = REQUESTER) => (await api(backend, 'GET', `/requests/${id}`, { as })).body as Booking;
  const waitingStep = (id: string, stage: number, as = REQUESTER) =>
    eventually(async () => {
      const step = (await get(id, as)).steps.find((candidate) => candidate.stage === stage && candidate.status === 'waiting');
      if (!step) throw new Error(`stage ${stage} of ${id} is not waiting yet`);
      return step;
    });
  const decide = (as: string, id: string, body: Record<string, unknown>) => api(backend, 'POST', `/approvals/${id}/decision`, { as, json: body });
  /** Submitted and agreed by the team leader: waiting for the dispatcher, who is returned. */
  const atDispatch = async (body: Record<string, unknown> = {}, as = REQUESTER, leader = TEAM_LEADER) => {
    const submitted = await book(body, as);
    expect(submitted.status, submitted.text).toBe(201);
    await waitingStep(submitted.body.id, 0, as);
    expect((await decide(leader, submitted.body.id, { decision: 'approve' })).status).toBe(200);
    const dispatch = await waitingStep(submitted.body.id, 1, as);
    return { id: submitted.body.id as string, dispatcher: dispatch.approverId };
  };
  const approved = (id: string, as = REQUESTER) =>
    eventually(async () => {
      const current = await get(id, as);
      if (current.status !== 'approved') throw new Error(`${id} is ${current.status}`);
      return current;
    });
  /** Every booking the calendars of these vehicles hold, over the days the tests use. */
  const bookingsOn = async (vehicleIds: Iterable<string>) => {
    const all: (CalendarEntry & { vehicleId: string })[] = [];
    for (const vehicleId of vehicleIds) {
      const response = await api(
        backend,
        'GET',
        `/vehicles/${vehicleId}/bookings?from=${seoulAt(0, 0).slice(0, 10)}&to=${seoulAt(10, 0).slice(0, 10)}`,
        { as: REQUESTER },
      );
      expect(response.status, response.text).toBe(200);
      all.push(...(response.body.bookings as CalendarEntry[]).map((entry) => ({ ...entry, vehicleId })));
    }
    return all;
  };

  it('checks the request: class, window, span, not in the past, seats, and who may book what', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ from: seoulAt(-1, 9), to: seoulAt(-1, 18) }, 400, 'from'],
      [{ from: seoulAt(2, 18), to: seoulAt(2, 9) }, 400, 'to'],
      [{ from: seoulAt(2, 9), to: seoulAt(5, 9, 1) }, 400, 'to'],
      [{ vehicleClass: 'helicopter' }, 400, 'vehicleClass'],
      [{ vehicleClass: 'passenger-small', passengers: 5 }, 400, 'passengers'],
      [{ from: '2026-12-01 09:00' }, 400, 'from'],
    ];
    for (const [body, status, field] of cases) {
      const response = await book(body);
      expect([response.status, response.body.issues?.[0]?.path], response.text).toEqual([status, field]);
    }
    // Exactly the maximum span is fine; an ambulance never; a cleaning truck only for 청소과.
    expect((await book({ from: seoulAt(2, 9), to: seoulAt(5, 9) })).status).toBe(201);
    const ambulance = await book({ vehicleClass: 'special-ambulance' });
    expect(ambulance.status).toBe(422);
    expect(ambulance.body.message).toContain('구급차');
    expect((await book({ vehicleClass: 'special-cleaning' })).status).toBe(422);
    expect((await book({ vehicleClass: 'special-cleaning' }, CLEANING_STAFF)).status).toBe(201);
  });

  it("goes to the requester's team leader, then to a 총무팀 dispatch officer who assigns the vehicle from the email link", async () => {
    const submitted = await book({ vehicleClass: 'van-mid', passengers: 9, from: seoulAt(2, 8), to: seoulAt(2, 20) });
    expect(submitted.body.steps.map((step: Step) => [step.action, step.approverId, step.input ?? null])).toEqual([
      ['review', TEAM_LEADER, null],
      ['approve', expect.stringMatching(/^E100[78]$/), 'vehicle-dispatch'],
    ]);
    await waitingStep(submitted.body.id, 0);
    expect((await decide(TEAM_LEADER, submitted.body.id, { decision: 'approve' })).status).toBe(200);
    const dispatcher = await waitingStep(submitted.body.id, 1);
    const email = dispatcher.approverId === 'E1007' ? 'jihoon.oh@guchung.example.kr' : 'minjae.seo@guchung.example.kr';
    const link = decisionLinkIn(await waitForEmail(backend, email, submitted.body.id));
    // The page lists the free vans, the suggestion first, and asks for the vehicle.
    const page = await fetch(link);
    const html = await page.text();
    const suggested = /추천 (V\d{3})/.exec(html)?.[1];
    expect(suggested, html).toMatch(/^V\d{3}$/);
    expect(html).toContain('name="vehicleId"');
    // Left empty, the form takes the suggestion.
    expect((await postForm(link, { decision: 'approve', vehicleId: '' })).status).toBe(200);
    expect((await approved(submitted.body.id)).booking).toMatchObject({ vehicleId: suggested, suggested: true });
    const outcome = await waitForEmail(backend, 'jisoo.byun@guchung.example.kr', `[결재 결과] 공용차량 배차 — 승인 (${submitted.body.id})`);
    expect(outcome.text).toContain(suggested);
  });

  it('many dispatchers racing for the last free vehicles: exactly as many succeed as there are vehicles, and no two bookings overlap', async () => {
    // Prepare: more requests than passenger-large vehicles, all for the same window, each at its dispatcher.
    const racers = await Promise.all(
      Array.from({ length: LARGE.length + 5 }, () => atDispatch({ vehicleClass: 'passenger-large', from: seoulAt(3, 10), to: seoulAt(3, 16) })),
    );

    // Act: every dispatcher accepts the suggestion at the same moment.
    const results = await Promise.all(racers.map(({ id, dispatcher }) => decide(dispatcher, id, { decision: 'approve' })));

    // Assess
    const won = results.filter((response) => response.status === 200);
    expect(won).toHaveLength(LARGE.length);
    for (const lost of results.filter((response) => response.status !== 200)) {
      expect(lost.status, lost.text).toBe(409);
      expect(lost.body.message).toContain('비어 있는 승용 대형 차량이 없습니다');
    }
    const assigned = (await Promise.all(racers.map(({ id }) => get(id)))).flatMap((request) => (request.booking ? [request.booking.vehicleId] : []));
    expect(assigned.sort()).toEqual(LARGE.map((vehicle) => vehicle.id).sort());

    // Named vehicles racing too: one vehicle, windows that all overlap each other, one winner.
    const target = MID[0]?.id ?? '';
    const named = await Promise.all([0, 15, 30, 45].map((minute) => atDispatch({ from: seoulAt(4, 10, minute), to: seoulAt(4, 14, minute) })));
    const namedResults = await Promise.all(named.map(({ id, dispatcher }) => decide(dispatcher, id, { decision: 'approve', vehicleId: target })));
    expect(namedResults.map((response) => response.status).sort()).toEqual([200, 409, 409, 409]);

    // On the calendar of every vehicle raced for or given to a racer: never two bookings overlapping.
    // (Reading all 232 calendars cost 4 s of CPU in a test run for no vehicle the race could reach.)
    const given = (await Promise.all(named.map(({ id }) => get(id)))).flatMap((request) => (request.booking ? [request.booking.vehicleId] : []));
    const stored = await bookingsOn(new Set([...LARGE.map((vehicle) => vehicle.id), target, ...assigned, ...given]));
    for (const a of stored) {
      for (const b of stored) {
        if (a.vehicleId === b.vehicleId && a.requestId < b.requestId)
          expect(overlaps(a, b), `${a.requestId} and ${b.requestId} on ${a.vehicleId}`).toBe(false);
      }
    }
    // (10:00 Seoul is 01:00 UTC of the same date.)
    expect(stored.filter((entry) => entry.vehicleId === target && entry.from.startsWith(seoulAt(4, 0).slice(0, 10)))).toHaveLength(1);
  });

  it('back-to-back bookings that touch are both allowed; a minute of overlap is not', async () => {
    const vehicle = MID[1]?.id ?? '';
    const morning = await atDispatch({ from: seoulAt(5, 9), to: seoulAt(5, 12) });
    const afternoon = await atDispatch({ from: seoulAt(5, 12), to: seoulAt(5, 15) });
    const overlapping = await atDispatch({ from: seoulAt(5, 11, 59), to: seoulAt(5, 13) });
    expect((await decide(morning.dispatcher, morning.id, { decision: 'approve', vehicleId: vehicle })).status).toBe(200);
    expect((await decide(afternoon.dispatcher, afternoon.id, { decision: 'approve', vehicleId: vehicle })).status).toBe(200);
    const refused = await decide(overlapping.dispatcher, overlapping.id, { decision: 'approve', vehicleId: vehicle });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(morning.id);
    const schedule = await api(backend, 'GET', `/vehicles/${vehicle}/bookings?from=${seoulAt(5, 0).slice(0, 10)}&to=${seoulAt(5, 0).slice(0, 10)}`, {
      as: REQUESTER,
    });
    expect(schedule.body.bookings.map((entry: CalendarEntry) => entry.requestId)).toEqual([morning.id, afternoon.id]);
    // The refused request still waits for its dispatcher, who can pick another vehicle.
    expect((await decide(overlapping.dispatcher, overlapping.id, { decision: 'approve' })).status).toBe(200);
  });

  it("refuses retired vehicles, ambulances and another unit's cleaning trucks", async () => {
    const request = await atDispatch();
    for (const vehicle of [RETIRED, AMBULANCE, CLEANING_TRUCK]) {
      const response = await decide(request.dispatcher, request.id, { decision: 'approve', vehicleId: vehicle?.id });
      expect(response.status, response.text).toBe(422);
      expect(response.body.message).toContain(vehicle?.plate);
    }
    expect((await get(request.id)).booking).toBeUndefined();
    // 청소과's own request may have its own truck.
    const own = await atDispatch({ vehicleClass: 'special-cleaning' }, CLEANING_STAFF, 'E1047');
    expect((await decide(own.dispatcher, own.id, { decision: 'approve', vehicleId: CLEANING_TRUCK?.id })).status).toBe(200);
  });

  it('shows free vehicles, and a cancelled booking frees its vehicle at once', async () => {
    const window = `from=${encodeURIComponent(seoulAt(6, 9))}&to=${encodeURIComponent(seoulAt(6, 18))}`;
    const before = await api(backend, 'GET', `/vehicles/availability?class=passenger-large&${window}`, { as: REQUESTER });
    expect(before.status, before.text).toBe(200);
    expect(before.body.vehicles).toHaveLength(LARGE.length);
    const request = await atDispatch({ vehicleClass: 'passenger-large', from: seoulAt(6, 9), to: seoulAt(6, 18) });
    expect((await decide(request.dispatcher, request.id, { decision: 'approve' })).status).toBe(200);
    const held = (await approved(request.id)).booking;
    expect(held?.vehicleId).toBe(before.body.suggestion);
    const during = await api(backend, 'GET', `/vehicles/availability?class=passenger-large&${window}`, { as: REQUESTER });
    expect(during.body.vehicles.map((vehicle: { id: string }) => vehicle.id)).not.toContain(held?.vehicleId);

    const cancelled = await api(backend, 'POST', `/requests/${request.id}/cancel`, { as: REQUESTER, json: { reason: '출장 취소' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const after = await api(backend, 'GET', `/vehicles/availability?class=passenger-large&${window}`, { as: REQUESTER });
    expect(after.body.vehicles.map((vehicle: { id: string }) => vehicle.id)).toContain(held?.vehicleId);
    // The other systems hear of the vehicle assigned, then freed; the cancellation's reason stays here.
    const events = await eventsPublished(backend, request.id, 'BookingCancelled');
    const own = events.filter((event) => event['detail-type'].startsWith('Booking'));
    expect(own.map((event) => [event['detail-type'], event.detail['facts']])).toEqual([
      ['BookingAssigned', expect.objectContaining({ vehicleId: held?.vehicleId })],
      ['BookingCancelled', expect.objectContaining({ vehicleId: held?.vehicleId })],
    ]);
    expect(JSON.stringify(events)).not.toContain('출장 취소');
  });

  it('공람·참조: the requester copies colleagues, who read it and find it on their list; once approved it circulates to the dispatch officers, who confirm reading it', async () => {
    const COPIED = 'E1048';
    const DISPATCH_OFFICERS = ['E1007', 'E1008'];
    // Refused: too many, the requester, someone not in the directory; on a health kind, at all.
    expect((await book({ from: seoulAt(9, 9), to: seoulAt(9, 12), ccIds: ['E1001', 'E1002', 'E1003', 'E1004', 'E1005', 'E1006'] })).status).toBe(400);
    const self = await book({ from: seoulAt(9, 9), to: seoulAt(9, 12), ccIds: [COPIED, REQUESTER] });
    expect(self.body.issues).toEqual([expect.objectContaining({ path: 'ccIds.1', message: '본인은 참조자로 지정할 수 없습니다' })]);
    expect((await book({ from: seoulAt(9, 9), to: seoulAt(9, 12), ccIds: ['E9999'] })).body.issues[0].path).toBe('ccIds.0');
    const health = await api(backend, 'POST', '/requests', {
      as: 'E1066',
      json: { kind: 'health-checkup', checkupDate: seoulAt(-3, 9).slice(0, 10), amountPaid: 200_000, clinic: '한빛종합검진센터', ccIds: [COPIED] },
    });
    expect(health.status).toBe(400);
    expect(health.body.issues).toEqual([
      expect.objectContaining({ path: 'ccIds', message: '건강 정보가 담긴 요청에는 참조자를 지정할 수 없습니다' }),
    ]);

    const submitted = await book({ from: seoulAt(9, 9), to: seoulAt(9, 12), ccIds: [COPIED] });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id as string;
    expect(submitted.body.readers).toEqual([expect.objectContaining({ id: COPIED, as: 'cc' })]);
    // The copied colleague is told, reads it (read-only: nothing to decide), and finds it on their list.
    expect((await waitForEmail(backend, 'minsoo.tak@guchung.example.kr', '[참조]')).text).toContain('참조자로 지정');
    expect((await api(backend, 'GET', `/requests/${id}`, { as: COPIED })).status).toBe(200);
    expect((await decide(COPIED, id, { decision: 'approve' })).status).toBe(404);
    const list = await api(backend, 'GET', '/circulation', { as: COPIED });
    expect(list.body.items[0]).toMatchObject({ requestId: id, as: 'cc', asLabel: '참조' });
    expect(list.body.items[0].ackedAt).toBeUndefined();

    await waitingStep(id, 0);
    expect((await decide(TEAM_LEADER, id, { decision: 'approve' })).status).toBe(200);
    const dispatch = await waitingStep(id, 1);
    expect((await decide(dispatch.approverId, id, { decision: 'approve' })).status).toBe(200);
    const done = await approved(id);
    const other = DISPATCH_OFFICERS.find((officer) => officer !== dispatch.approverId) ?? '';
    // 공람: the dispatch officer who did not decide it (the one who did is on its line already).
    expect((done as unknown as { readers: { id: string; as: string }[] }).readers).toEqual([
      expect.objectContaining({ id: COPIED, as: 'cc' }),
      expect.objectContaining({ id: other, as: 'circulation' }),
    ]);
    const theirs = await api(backend, 'GET', '/circulation', { as: other });
    expect(theirs.body.items).toContainEqual(expect.objectContaining({ requestId: id, as: 'circulation', asLabel: '공람' }));
    expect((await api(backend, 'GET', `/requests/${id}`, { as: other })).status).toBe(200);

    // 확인: once, on record; a repeat answers the first; someone not on the list gets 404.
    const acked = await api(backend, 'POST', `/circulation/${id}/ack`, { as: other });
    expect(acked.status, acked.text).toBe(200);
    const again = await api(backend, 'POST', `/circulation/${id}/ack`, { as: other, json: {} });
    expect(again.body.ackedAt).toBe(acked.body.ackedAt);
    expect((await api(backend, 'POST', `/circulation/${id}/ack`, { as: 'E1034' })).status).toBe(404);
    expect((await api(backend, 'GET', '/circulation', { as: other })).body.items[0]).toMatchObject({ requestId: id, ackedAt: acked.body.ackedAt });
    const history = (await api(backend, 'GET', `/requests/${id}/history`, { as: REQUESTER })).body.events as {
      action: string;
      actorId: string;
      comment?: string;
    }[];
    expect(history.filter((event) => event.action === 'circulated').map((event) => event.comment?.slice(0, 3))).toEqual(['참조:', '공람:']);
    expect(history.filter((event) => event.action === 'acknowledged')).toEqual([expect.objectContaining({ actorId: other })]);
  });

  it('trip logs: the odometer never goes backwards (409 names the last reading); a missing log is reminded', async () => {
    const vehicle = MID[2];
    if (!vehicle) throw new Error('no passenger-mid vehicle in the seed');
    const first = await atDispatch({ from: seoulAt(1, 9), to: seoulAt(1, 12) });
    const second = await atDispatch({ from: seoulAt(1, 13), to: seoulAt(1, 17) });
    const third = await atDispatch({ from: seoulAt(1, 17), to: seoulAt(1, 18) });
    for (const request of [first, second, third])
      expect((await decide(request.dispatcher, request.id, { decision: 'approve', vehicleId: vehicle.id })).status).toBe(200);
    await approved(third.id);
    const log = (id: string, odometerStart: number, odometerEnd: number) =>
      api(backend, 'POST', `/requests/${id}/trip-log`, { as: REQUESTER, json: { odometerStart, odometerEnd, fuelLiters: 12.5 } });

    // Before the trip there is nothing to log.
    expect((await log(first.id, vehicle.odometerKm, vehicle.odometerKm + 40)).status).toBe(409);
    await advanceClock(backend, `PT${Math.ceil((Date.parse(seoulAt(1, 17, 30)) - now) / HOUR)}H`);

    // Below the vehicle's registered reading: refused, with the reading.
    const below = await log(first.id, vehicle.odometerKm - 10, vehicle.odometerKm + 30);
    expect(below.status).toBe(409);
    expect(below.body.message).toContain(`${vehicle.odometerKm.toLocaleString('ko-KR')}km`);
    expect((await log(first.id, vehicle.odometerKm + 40, vehicle.odometerKm)).status).toBe(400);
    const logged = await log(first.id, vehicle.odometerKm, vehicle.odometerKm + 42);
    expect(logged.status, logged.text).toBe(200);
    expect(logged.body).toMatchObject({ status: 'completed', tripLog: { distanceKm: 42 } });
    // The next trip cannot start below where the last one ended.
    const backwards = await log(second.id, vehicle.odometerKm + 41, vehicle.odometerKm + 80);
    expect(backwards.status).toBe(409);
    expect(backwards.body.message).toContain(`${(vehicle.odometerKm + 42).toLocaleString('ko-KR')}km`);
    expect(backwards.body.message).toContain(first.id);
    expect((await log(second.id, vehicle.odometerKm + 42, vehicle.odometerKm + 80)).status).toBe(200);
    expect((await log(second.id, vehicle.odometerKm + 80, vehicle.odometerKm + 90)).status).toBe(409); // already logged

    // The third trip's log is missing: reminded once its due days have passed.
    await advanceClock(backend, `P${vehicleBooking.rulesOf(officePolicy).tripLogDueDays}DT1H`);
    await runSchedules(backend);
    const reminder = await waitForEmail(backend, 'jisoo.byun@guchung.example.kr', '[운행일지 미제출]');
    expect(reminder.text).toContain(third.id);
    const history = (await api(backend, 'GET', `/requests/${third.id}/history`, { as: REQUESTER })).body.events as {
      action: string;
      comment?: string;
    }[];
    expect(history).toContainEqual(expect.objectContaining({ action: 'reminded', comment: '운행일지 미제출 독촉 (1회)' }));
  });
});
