import * as z from 'zod';
import {
  type Directory,
  type DirectoryAdmin,
  employeeIdPattern,
  knownRoles,
  type Person,
  type PersonRecord,
  personSchema,
} from '../directory/directory.js';
import { ConflictError, type FieldIssue, ForbiddenError, NotFoundError } from '../kernel/errors.js';
import { invalidInput, isoDate, parseOrThrow, text } from '../kernel/validation.js';
import { ConcurrentChangeError } from '../ports/request-store.js';
import type { Clock } from '../ports/system.js';

export interface DirectoryAdminDeps {
  directory: Directory;
  admin: DirectoryAdmin;
  clock: Clock;
}

const ADMIN_ROLE = 'admin' satisfies (typeof knownRoles)[number];

const employeeId = z.string().regex(employeeIdPattern, { error: '직원 id(id)는 E와 네 자리 이상의 숫자여야 합니다 (예: E1016)' });

/** A person's entry as an admin sends it: every field but the id, which is the path's. */
export const personBody = personSchema
  .omit({ id: true })
  .extend({
    name: text('이름(name)', 50),
    email: z.email({ error: '이메일(email) 형식이 올바르지 않습니다' }),
    departmentId: text('부서(departmentId)', 100),
    teamId: z
      .string({ error: '팀(teamId)은(는) 팀 id이거나, 팀에 속하지 않으면 null이어야 합니다' })
      .min(1, { error: '팀(teamId)이 비어 있습니다. 팀이 없으면 null로 보내세요' })
      .nullable(),
    position: text('직위(position)', 50),
    grade: text('직급(grade)', 50),
    jobSeries: text('직렬(jobSeries)', 50),
    hiredVia: z.enum(['open', 'career'], { error: '임용 구분(hiredVia)은 open(공개경쟁) 또는 career(경력경쟁)여야 합니다' }),
    birthDate: isoDate('생년월일(birthDate)'),
    postStartDate: isoDate('현 보직 시작일(postStartDate)'),
    slackUserId: z
      .string({ error: 'Slack 사용자 id(slackUserId)는 문자열이거나, 없으면 null이어야 합니다' })
      .regex(/^[UW][A-Z0-9]{2,}$/, { error: 'Slack 사용자 id(slackUserId)는 U 또는 W로 시작하는 영문 대문자·숫자여야 합니다' })
      .nullable(),
    roles: z
      .array(z.enum(knownRoles, { error: `역할(roles)은 다음 중에서 고르세요: ${knownRoles.join(', ')}` }), {
        error: '역할(roles)은 배열이어야 합니다 (역할이 없으면 [])',
      })
      .refine((roles) => new Set(roles).size === roles.length, { error: '역할(roles)에 같은 값이 두 번 들어 있습니다' }),
  })
  .strict();

/** What the API shows of a person: their entry and who last changed it (null: as loaded from the seed or personnel export). */
const personView = ({ person, revision }: PersonRecord) => ({ ...person, revision });
export type PersonView = ReturnType<typeof personView>;

const samePerson = (a: Person, b: Person) =>
  Object.keys(personSchema.shape).every((key) => JSON.stringify(a[key as keyof Person]) === JSON.stringify(b[key as keyof Person]));

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, 'ko');

/**
 * Directory administration, for people with the `admin` role. A change to a person's team, position
 * or roles applies to what starts afterwards; approval steps already in flight keep their approver
 * (stored on the step) unless a delegation or escalation re-routes them.
 */
export function makeDirectoryAdmin({ directory, admin, clock }: DirectoryAdminDeps) {
  async function adminOrThrow(callerId: string): Promise<Person> {
    const caller = await directory.person(callerId);
    if (!caller?.roles.includes(ADMIN_ROLE)) {
      throw new ForbiddenError('직원 명부 관리는 관리자(admin) 역할이 있는 직원만 할 수 있습니다.');
    }
    return caller;
  }

  /** The team must exist and belong to the department; the department must exist. */
  async function placementIssues(departmentId: string, teamId: string | null): Promise<FieldIssue[]> {
    const [department, team] = await Promise.all([directory.department(departmentId), teamId === null ? undefined : directory.team(teamId)]);
    const issues: FieldIssue[] = [];
    if (!department) issues.push({ path: 'departmentId', message: `부서(departmentId) '${departmentId}'이(가) 조직도에 없습니다` });
    if (teamId !== null && !team) issues.push({ path: 'teamId', message: `팀(teamId) '${teamId}'이(가) 조직도에 없습니다` });
    if (department && team && team.departmentId !== department.id) {
      issues.push({ path: 'teamId', message: `팀(teamId) '${team.name}'은(는) ${department.name} 소속이 아닙니다` });
    }
    return issues;
  }

  return {
    /**
     * Primary course:
     * 1. The caller must be an admin (403).
     * 2. A malformed id is a 400; return the person's entry with their last admin edit (404 if not in the directory).
     */
    async getPerson(callerId: string, id: string): Promise<PersonView> {
      await adminOrThrow(callerId);
      const personId = parseOrThrow(employeeId, id, ['id']);
      const record = await admin.personRecord(personId);
      if (!record) throw new NotFoundError(`직원 ${personId}을(를) 명부에서 찾을 수 없습니다.`);
      return personView(record);
    },

    /**
     * Primary course:
     * 1. The caller must be an admin (403).
     * 2. Validate the path id and the body: every field but the id, known roles only (400).
     * 3. The department must exist; a team, when given, must exist and belong to it (400).
     * 4. The same entry again changes nothing (200, no change record).
     * 5. Otherwise, in one transaction: put the entry, guarded against a concurrent edit (409), and
     *    append a change record (who, when, before, after) to the person's audit trail.
     * 6. 201 when the person is new, 200 when their entry was replaced.
     */
    async putPerson(callerId: string, id: string, body: unknown): Promise<{ person: PersonView; created: boolean }> {
      const caller = await adminOrThrow(callerId);
      const personId = parseOrThrow(employeeId, id, ['id']);
      const fields = parseOrThrow(personBody, body);
      const issues = await placementIssues(fields.departmentId, fields.teamId);
      if (issues.length > 0) throw invalidInput(issues);

      const person: Person = { id: personId, ...fields };
      const previous = await admin.personRecord(personId);
      if (previous && samePerson(previous.person, person)) return { person: personView(previous), created: false };
      try {
        const revision = await admin.savePerson(person, { actorId: caller.id, at: clock.now().toISOString(), previous });
        return { person: personView({ person, revision }), created: previous === undefined };
      } catch (error) {
        if (error instanceof ConcurrentChangeError) {
          throw new ConflictError(`직원 ${personId}의 정보가 방금 다른 곳에서 변경되었습니다. 다시 조회한 뒤 시도하세요.`);
        }
        throw error;
      }
    },

    /**
     * Primary course:
     * 1. The caller must be an admin (403).
     * 2. Read departments, teams and bureaus (one query each) and the heads and leaders they name.
     * 3. Return departments by name, each with its bureau, head and teams (by name) with their leaders.
     *    A name is null when the id is not in the directory: an entry to fix, not a reason to hide the rest.
     */
    async listDepartments(callerId: string) {
      await adminOrThrow(callerId);
      const [departments, teams, bureaus] = await Promise.all([directory.departments(), directory.teams(), directory.bureaus()]);
      const personIds = [...new Set([...departments.map((department) => department.headId), ...teams.map((team) => team.leaderId)])];
      const found = await Promise.all(personIds.map((personId) => directory.person(personId)));
      const people = new Map(found.flatMap((person) => (person ? [[person.id, person] as const] : [])));
      const bureauNames = new Map(bureaus.map((bureau) => [bureau.id, bureau.name]));
      const named = (personId: string) => ({ id: personId, name: people.get(personId)?.name ?? null });
      return [...departments].sort(byName).map((department) => ({
        id: department.id,
        name: department.name,
        bureau: { id: department.bureauId, name: bureauNames.get(department.bureauId) ?? null },
        head: named(department.headId),
        teams: teams
          .filter((team) => team.departmentId === department.id)
          .sort(byName)
          .map((team) => ({ id: team.id, name: team.name, leader: named(team.leaderId) })),
      }));
    },
  };
}
