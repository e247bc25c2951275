import { readFile } from 'node:fs/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/http/contract/openapi.js';
import * as operations from '../../functions/http/contract/operations.js';
import { apiRoutes } from '../../functions/http/contract/routes.js';
import { renderOpenApi } from '../../infra/openapi-cli.js';
import { requestView } from '../../shared/use-cases/request-view.js';
import { contractViolations } from '../fixtures/openapi-contract.js';
import { requestInReview } from '../fixtures/requests.js';

const committed = () => readFile(new URL('../../openapi.json', import.meta.url), 'utf8');
const info = { title: 't', version: '0', description: 'd' };

const line = [
  { stage: 0, action: 'review' as const, approverId: 'E1010', approverName: '김복지', approverPosition: '주무관', rule: 'welfare-review' },
  { stage: 1, action: 'approve' as const, approverId: 'E1002', approverName: '박과장', approverPosition: '과장', rule: 'department-head' },
];
const stored = () => requestInReview(line, '2026-11-27T01:00:00.000Z');
const answer = (body: unknown, status = 200) => ({
  method: 'GET',
  path: '/requests/R20261127-8K3M9Q2T',
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});

describe('openapi.json', () => {
  it('is what the code generates (npm run openapi), so the committed copy is never stale', async () => {
    expect(await committed()).toBe(await renderOpenApi());
  });

  it('is a valid OpenAPI 3.1 document (swagger-parser), with every kind a branch of the submission body', async () => {
    const document = JSON.parse(await committed());
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy();
    expect(document.openapi).toBe('3.1.0');
    const body = document.components.schemas.submitRequestBody;
    expect(body.discriminator).toEqual({ propertyName: 'kind' });
    expect(body.oneOf.map((branch: any) => branch.properties.kind.const).sort()).toEqual(
      ['facility-repair', 'health-checkup', 'infertility-treatment', 'personnel-transfer', 'vaccination', 'vehicle-booking'].sort(),
    );
    // A limit set in a use case's schema reaches the document: the withdrawal reason's 500 characters.
    expect(document.components.schemas.withdrawRequestBody.properties.reason.maxLength).toBe(500);
  });

  it('refuses a route whose operation is missing, or whose path parameters differ from the operation’s', () => {
    const [first] = apiRoutes;
    if (!first) throw new Error('no routes');
    expect(() => openApiDocument(info, [...apiRoutes, { ...first, path: '/elsewhere', operationId: 'nothing' }], operations)).toThrow(
      /no operation nothing/,
    );
    expect(() => openApiDocument(info, [{ ...first, path: '/requests/{requestId}' }], { [first.operationId]: operations.submitRequest })).toThrow(
      /path parameters/,
    );
    expect(() => openApiDocument(info, apiRoutes.slice(1), operations)).toThrow(/operations no route answers: submitRequest/);
  });
});

describe('the contract check the integration tests run on every answer', () => {
  it('passes a request as the API shows it', () => {
    expect(contractViolations(answer(requestView(stored(), [])))).toEqual([]);
  });

  it('catches what the view must never show: a step’s link hash, the ledger places', () => {
    const leaked = { ...requestView(stored()), steps: stored().steps.map((step) => ({ ...step, openLinkHash: 'abc' })) };
    expect(contractViolations(answer(leaked)).join('\n')).toMatch(/additional properties/);
    expect(contractViolations(answer({ ...requestView(stored()), ledgers: [{ key: 'x' }] })).join('\n')).toMatch(/additional properties/);
  });

  it('catches a status, a content type or an error body the contract does not declare', () => {
    expect(contractViolations(answer(requestView(stored()), 500))).toEqual([expect.stringMatching(/status not in the contract/)]);
    expect(contractViolations({ ...answer(requestView(stored())), contentType: 'text/plain' })).toEqual([expect.stringMatching(/content type/)]);
    expect(contractViolations(answer({ error: 'x' }, 404)).join('\n')).toMatch(/required property 'message'/);
    expect(contractViolations(answer({ message: '요청을 찾을 수 없습니다.' }, 404))).toEqual([]);
  });
});
