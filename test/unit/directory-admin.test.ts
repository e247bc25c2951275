import { describe, expect, it } from 'vitest';
import type { DirectoryAdmin, Person } from '../../shared/directory/directory.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/kernel/errors.js';
import { makeDirectoryAdmin } from '../../shared/use-cases/directory-admin.js';
import { inMemoryDirectoryStore, seedPerson } from '../fixtures/directory.js';

const ADMIN = 'E1024';
const NOW = '2026-11-24T01:30:00.000Z';
const clock = { now: () => new Date(NOW) };

function setup(wrapAdmin: (admin: DirectoryAdmin) => DirectoryAdmin = (admin) => admin) {
  const store = inMemoryDirectoryStore();
  const useCase = makeDirectoryAdmin({ directory: store.directory, admin: wrapAdmin(store.admin), clock });
  return { ...store, useCase };
}

/** A PUT body: the person's seed entry without its id, with `changes` applied. */
function bodyOf(id: string, changes: Partial<Omit<Person, 'id'>> = {}): Record<string, unknown> {
  const { id: _id, ...fields } = seedPerson(id);
  return { ...fields, ...changes };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('directory administration', () => {
  it('refuses anyone without the admin role, in Korean, and changes nothing', async () => {
    // Prepare
    const { useCase, changes, directory } = setup();
    // Act
    const refusals = await Promise.all([
      rejection(useCase.getPerson('E1016', 'E1016')),
      rejection(useCase.putPerson('E1016', 'E1016', bodyOf('E1016', { roles: ['welfare-officer', 'admin'] }))),
      rejection(useCase.listDepartments('E1005')),
      rejection(useCase.listDepartments('E9999')),
    ]);
    // Assess
    for (const error of refusals) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ statusCode: 403, message: '직원 명부 관리는 관리자(admin) 역할이 있는 직원만 할 수 있습니다.' });
    }
    expect(changes).toEqual([]);
    expect((await directory.person('E1016'))?.roles).toEqual(['welfare-officer']);
  });

  it('a team of another department is a 400 naming teamId and the department', async () => {
    const { useCase, changes } = setup();
    const error = await rejection(useCase.putPerson(ADMIN, 'E1016', bodyOf('E1016', { departmentId: 'finance', teamId: 'ga-welfare' })));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ statusCode: 400, issues: [{ path: 'teamId', message: "팀(teamId) '교육후생팀'은(는) 재무과 소속이 아닙니다" }] });
    expect(changes).toEqual([]);
  });

  it('an unknown department or team is a 400 naming each field', async () => {
    const { useCase } = setup();
    const error = await rejection(useCase.putPerson(ADMIN, 'E1016', bodyOf('E1016', { departmentId: 'space-agency', teamId: 'moon-base' })));
    expect(error).toMatchObject({
      statusCode: 400,
      issues: [
        { path: 'departmentId', message: "부서(departmentId) 'space-agency'이(가) 조직도에 없습니다" },
        { path: 'teamId', message: "팀(teamId) 'moon-base'이(가) 조직도에 없습니다" },
      ],
    });
  });

  it('an unknown role, a malformed path id or an extra field is a 400 in Korean naming the field', async () => {
    const { useCase } = setup();
    const role = await rejection(useCase.putPerson(ADMIN, 'E1016', bodyOf('E1016', { roles: ['welfare-officer', 'superuser'] })));
    expect(role).toMatchObject({
      statusCode: 400,
      issues: [
        {
          path: 'roles.1',
          message:
            '역할(roles)은 다음 중에서 고르세요: welfare-officer, hr-officer, dispatch-officer, facility-officer, admin, finance, auditor, privacy-officer',
        },
      ],
    });
    expect((role as ValidationError).message).toMatch(/^입력값이 올바르지 않습니다 — roles\.1: /);

    const path = await rejection(useCase.putPerson(ADMIN, 'X1016', bodyOf('E1016')));
    expect(path).toMatchObject({
      statusCode: 400,
      issues: [{ path: 'id', message: '직원 id(id)는 E와 네 자리 이상의 숫자여야 합니다 (예: E1016)' }],
    });

    const extra = await rejection(useCase.putPerson(ADMIN, 'E1016', { ...bodyOf('E1016'), id: 'E1016' }));
    expect(extra).toMatchObject({ statusCode: 400, issues: [{ path: '(본문)', message: expect.stringContaining('id') }] });

    const missing = await rejection(useCase.putPerson(ADMIN, 'E1016', { ...bodyOf('E1016'), teamId: undefined }));
    expect(missing).toMatchObject({ issues: [{ path: 'teamId', message: '팀(teamId)은(는) 팀 id이거나, 팀에 속하지 않으면 null이어야 합니다' }] });
  });

  it('creates a new person (201) and then replaces them (200), each with a change record of before and after', async () => {
    // Prepare
    const { useCase, changes, directory } = setup();
    const newcomer = bodyOf('E1026', { name: '남궁민', email: 'min.namgung@guchung.example.kr', slackUserId: null });
    // Act
    const created = await useCase.putPerson(ADMIN, 'E1090', newcomer);
    const moved = await useCase.putPerson(ADMIN, 'E1090', { ...newcomer, teamId: 'ga-hr', roles: ['hr-officer'] });
    // Assess
    expect(created).toMatchObject({
      created: true,
      person: { id: 'E1090', name: '남궁민', teamId: 'ga-it', revision: { version: 1, updatedAt: NOW, updatedBy: ADMIN } },
    });
    expect(moved).toMatchObject({
      created: false,
      person: { id: 'E1090', teamId: 'ga-hr', roles: ['hr-officer'], revision: { version: 2, updatedBy: ADMIN } },
    });
    expect(changes).toEqual([
      { personId: 'E1090', actorId: ADMIN, at: NOW, version: 1, before: null, after: { id: 'E1090', ...newcomer } },
      {
        personId: 'E1090',
        actorId: ADMIN,
        at: NOW,
        version: 2,
        before: { id: 'E1090', ...newcomer },
        after: { id: 'E1090', ...newcomer, teamId: 'ga-hr', roles: ['hr-officer'] },
      },
    ]);
    // The team's members follow the move: the people-by-team reads that route approvals see it.
    expect((await directory.teamMembers('ga-hr')).map((person) => person.id)).toContain('E1090');
    expect((await directory.teamMembers('ga-it')).map((person) => person.id)).not.toContain('E1090');
  });

  it('moving a seeded welfare officer out of 교육후생팀 records who moved them, and they no longer review', async () => {
    const { useCase, changes, directory } = setup();
    const result = await useCase.putPerson(ADMIN, 'E1016', bodyOf('E1016', { teamId: 'ga-hr', roles: ['hr-officer'] }));
    expect(result.created).toBe(false);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      actorId: ADMIN,
      before: { teamId: 'ga-welfare', roles: ['welfare-officer'] },
      after: { teamId: 'ga-hr', roles: ['hr-officer'] },
    });
    expect((await directory.teamMembers('ga-welfare')).map((person) => person.id)).not.toContain('E1016');
    expect(await useCase.getPerson(ADMIN, 'E1016')).toMatchObject({ teamId: 'ga-hr', revision: { version: 1, updatedAt: NOW, updatedBy: ADMIN } });
  });

  it('putting the same entry again changes nothing and records nothing', async () => {
    const { useCase, changes } = setup();
    const result = await useCase.putPerson(ADMIN, 'E1016', bodyOf('E1016'));
    expect(result).toMatchObject({ created: false, person: { id: 'E1016', revision: null } });
    expect(changes).toEqual([]);
  });

  it('an edit that lands between reading and writing the entry is not overwritten: 409 in Korean', async () => {
    // Prepare: another admin's edit lands right after this one reads the entry.
    const { useCase, directory } = setup((admin) => ({
      ...admin,
      async personRecord(id) {
        const record = await admin.personRecord(id);
        if (record) await admin.savePerson({ ...record.person, position: '팀장' }, { actorId: 'E1023', at: NOW, previous: record });
        return record;
      },
    }));
    // Act
    const error = await rejection(useCase.putPerson(ADMIN, 'E1016', bodyOf('E1016', { teamId: 'ga-hr' })));
    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ statusCode: 409, message: '직원 E1016의 정보가 방금 다른 곳에서 변경되었습니다. 다시 조회한 뒤 시도하세요.' });
    expect(await directory.person('E1016')).toMatchObject({ teamId: 'ga-welfare', position: '팀장' });
  });

  it('reads a person with their last edit, and 404s in Korean for someone not in the directory', async () => {
    const { useCase } = setup();
    expect(await useCase.getPerson(ADMIN, 'E1016')).toEqual({ ...seedPerson('E1016'), revision: null });
    const error = await rejection(useCase.getPerson(ADMIN, 'E9999'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ statusCode: 404, message: '직원 E9999을(를) 명부에서 찾을 수 없습니다.' });
  });

  it('lists departments by name with their bureau, head and teams (with leaders)', async () => {
    const { useCase } = setup();
    const departments = await useCase.listDepartments(ADMIN);
    expect(departments).toHaveLength(14);
    const names = departments.map((department) => department.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'ko')));
    expect(departments.find((department) => department.id === 'general-affairs')).toEqual({
      id: 'general-affairs',
      name: '총무과',
      bureau: { id: 'administration-bureau', name: '행정국' },
      head: { id: 'E1005', name: '정수영' },
      teams: [
        { id: 'ga-exchange', name: '교류협력팀', leader: { id: 'E1020', name: '노재석' } },
        { id: 'ga-welfare', name: '교육후생팀', leader: { id: 'E1015', name: '박은주' } },
        { id: 'ga-hr', name: '인사팀', leader: { id: 'E1011', name: '김혜정' } },
        { id: 'ga-it', name: '전산운영팀', leader: { id: 'E1023', name: '신동혁' } },
        { id: 'ga-general', name: '총무팀', leader: { id: 'E1006', name: '강태식' } },
      ],
    });
  });
});
