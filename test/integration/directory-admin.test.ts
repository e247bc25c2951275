import { describe, expect, it } from 'vitest';
import { api, suiteBackend } from './harness.js';

const ADMIN = 'E1024'; // 양현준, 전산운영팀, the seed's only admin

describe('directory administration through the local runtime', () => {
  const backend = suiteBackend();

  it('an admin lists the departments, 총무과 with its five teams and their leaders', async () => {
    const response = await api(backend, 'GET', '/directory/departments', { as: ADMIN });
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(14);
    const generalAffairs = response.body.items.find((department: { name: string }) => department.name === '총무과');
    expect(generalAffairs).toMatchObject({ id: 'general-affairs', bureau: { name: '행정국' }, head: { id: 'E1005', name: '정수영' } });
    expect(generalAffairs.teams.map((team: { name: string; leader: { name: string } }) => `${team.name} ${team.leader.name}`)).toEqual([
      '교류협력팀 노재석',
      '교육후생팀 박은주',
      '인사팀 김혜정',
      '전산운영팀 신동혁',
      '총무팀 강태식',
    ]);
  });

  it('an admin moves a welfare officer to 인사팀 and reads the change back', async () => {
    const before = await api(backend, 'GET', '/directory/people/E1016', { as: ADMIN });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id: 'E1016', name: '임수빈', teamId: 'ga-welfare', roles: ['welfare-officer'], revision: null });

    const { id: _id, revision: _revision, ...entry } = before.body;
    const moved = await api(backend, 'PUT', '/directory/people/E1016', { as: ADMIN, json: { ...entry, teamId: 'ga-hr', roles: ['hr-officer'] } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ teamId: 'ga-hr', roles: ['hr-officer'], revision: { version: 1, updatedBy: ADMIN } });

    const after = await api(backend, 'GET', '/directory/people/E1016', { as: ADMIN });
    expect(after.body).toEqual({ ...before.body, teamId: 'ga-hr', roles: ['hr-officer'], revision: moved.body.revision });
  });

  it('explains a team outside the department in Korean, naming teamId', async () => {
    const { body: person } = await api(backend, 'GET', '/directory/people/E1017', { as: ADMIN });
    const { id: _id, revision: _revision, ...entry } = person;
    const response = await api(backend, 'PUT', '/directory/people/E1017', { as: ADMIN, json: { ...entry, departmentId: 'finance' } });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([{ path: 'teamId', message: "팀(teamId) '교육후생팀'은(는) 재무과 소속이 아닙니다" }]);
  });

  it('refuses staff without the admin role (403) and anyone without a token (401)', async () => {
    for (const [method, path] of [
      ['GET', '/directory/departments'],
      ['GET', '/directory/people/E1018'],
      ['PUT', '/directory/people/E1018'],
    ] as const) {
      const forbidden = await api(backend, method, path, { as: 'E1018', json: method === 'PUT' ? { roles: ['admin'] } : undefined });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.message).toBe('직원 명부 관리는 관리자(admin) 역할이 있는 직원만 할 수 있습니다.');
      expect((await api(backend, method, path)).status).toBe(401);
    }
    expect((await api(backend, 'GET', '/directory/people/E1018', { as: ADMIN })).body.roles).toEqual(['welfare-officer']);
  });
});
