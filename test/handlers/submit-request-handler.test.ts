import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachmentItem } from '../../shared/store/entities/attachment.js';
import { ledgerKey } from '../../shared/store/entities/ledger.js';
import { bureauKey, departmentKey, officeKey, teamKey } from '../../shared/store/entities/organisation.js';
import { personKey } from '../../shared/store/entities/person.js';
import { seedDirectory } from '../fixtures/directory.js';
import { files } from '../fixtures/documents.js';
import { httpEvent, lambdaContext } from '../fixtures/http-events.js';

expect.extend(allCustomMatcher);

const STATE_MACHINE = 'arn:aws:states:ap-northeast-2:123456789012:stateMachine:HealthCheckup';
const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
let handler: typeof import('../../functions/http/submit-request.js')['handler'];

/** Uploads of E1034's, declared as PDFs and stored as PDFs: a receipt for each kind this file submits, and the infertility documents. */
const uploads = {
  receipt: 'A00000000000000000000000001',
  infertilityReceipt: 'A00000000000000000000000002',
  itemizedBill: 'A00000000000000000000000003',
  diagnosis: 'A00000000000000000000000004',
};
const uploaded = (id: string, kind: string, documentType: string) =>
  attachmentItem({
    id,
    ownerId: 'E1034',
    kind,
    documentType,
    fileName: '영수증.pdf',
    contentType: 'application/pdf',
    sizeBytes: files.pdf.length,
    createdAt: '2026-03-02T01:00:00.000Z',
    expiresAt: '2026-03-03T01:00:00.000Z',
  });
const uploadItems = [
  uploaded(uploads.receipt, 'health-checkup', 'receipt'),
  uploaded(uploads.infertilityReceipt, 'infertility-treatment', 'receipt'),
  uploaded(uploads.itemizedBill, 'infertility-treatment', 'itemized-bill'),
  uploaded(uploads.diagnosis, 'infertility-treatment', 'infertility-diagnosis'),
];

const body = { kind: 'health-checkup', checkupDate: '2026-03-02', amountPaid: 480_000, clinic: '한빛검진센터', attachments: [uploads.receipt] };
const submit = (input: Partial<Parameters<typeof httpEvent>[0]> = {}) =>
  handler(httpEvent({ routeKey: 'POST /requests', sub: 'E1034', body, ...input }), lambdaContext);

/** The directory as the table holds it: GetItem by key, teams through the people-by-team index. */
function directoryInTable() {
  const keyOf = (key: { pk: string; sk: string }) => `${key.pk}|${key.sk}`;
  const byKey = new Map<string, unknown>([
    ...seedDirectory.people.map((p) => [keyOf(personKey(p.id)), p] as const),
    ...seedDirectory.teams.map((t) => [keyOf(teamKey(t.id)), t] as const),
    ...seedDirectory.departments.map((d) => [keyOf(departmentKey(d.id)), d] as const),
    ...seedDirectory.bureaus.map((b) => [keyOf(bureauKey(b.id)), b] as const),
    [keyOf(officeKey()), seedDirectory.office],
    ...uploadItems.map((item) => [keyOf(item as { pk: string; sk: string }), item] as const),
  ]);
  dynamo.on(GetCommand).callsFake((input: { Key: { pk: string; sk: string } }) => ({ Item: byKey.get(keyOf(input.Key)) }));
  dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
    Items: seedDirectory.people.filter((p) => p.teamId === input.ExpressionAttributeValues[':team']),
  }));
}

describe('POST /requests handler', () => {
  beforeAll(async () => {
    vi.stubEnv('TABLE_NAME', 'approval-table');
    vi.stubEnv('DOCUMENTS_BUCKET', 'documents');
    vi.stubEnv('HEALTH_DOCUMENTS_BUCKET', 'health-documents');
    vi.stubEnv('STATE_MACHINES', JSON.stringify({ 'health-checkup': STATE_MACHINE, 'infertility-treatment': `${STATE_MACHINE}Infertility` }));
    ({ handler } = await import('../../functions/http/submit-request.js'));
  });

  beforeEach(() => {
    // Prepare
    dynamo.reset();
    sfn.reset();
    s3.reset();
    directoryInTable();
    // Every upload is there, a PDF of the declared size; a ranged GET answers its first bytes and the whole size.
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: { transformToByteArray: async () => new Uint8Array(files.pdf.subarray(0, 16)) },
      ContentRange: `bytes 0-15/${files.pdf.length}`,
    }));
    s3.on(PutObjectTaggingCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE}:x`, startDate: new Date() });
  });

  it('stores the request, its yearly place and its history in one transaction, then starts the workflow named after it and its round', async () => {
    // Act
    const response = await submit();
    // Assess
    expect(response.statusCode, response.body).toBe(201);
    const request = JSON.parse(response.body ?? '{}');
    expect(request).toMatchObject({
      status: 'in-review',
      requesterId: 'E1034',
      reimbursableAmount: 400_000,
      details: { checkupDate: '2026-03-02', amountPaid: 480_000, clinic: '한빛검진센터' },
    });
    expect(dynamo).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: expect.arrayContaining([
        expect.objectContaining({
          Put: expect.objectContaining({
            Item: expect.objectContaining({ pk: `REQUEST#${request.id}`, sk: 'META' }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        }),
        expect.objectContaining({
          Update: expect.objectContaining({
            Key: { pk: 'LEDGER#E1034', sk: 'health-checkup#2026' },
            ConditionExpression: '(attribute_not_exists(requestIds) OR size(requestIds) < :max)',
          }),
        }),
        // The receipt is bound in the same transaction, only if still unbound and the requester's.
        expect.objectContaining({
          Update: expect.objectContaining({
            Key: { pk: `ATTACHMENT#${uploads.receipt}`, sk: 'ATTACHMENT' },
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(requestId) AND ownerId = :owner',
            ExpressionAttributeValues: expect.objectContaining({ ':request': request.id, ':owner': 'E1034' }),
          }),
        }),
      ]),
    });
    // Kept for the kind's retention instead of expiring as an unbound upload, in the health kinds' bucket.
    expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, {
      Bucket: 'health-documents',
      Key: `documents/${uploads.receipt}`,
      Tagging: {
        TagSet: [
          { Key: 'state', Value: 'bound' },
          { Key: 'retention', Value: '5y' },
        ],
      },
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE,
      name: `${request.id}-r1`,
      input: JSON.stringify({ requestId: request.id, round: 1 }),
    });
  });

  it('without the receipt the kind requires: 400 naming it, nothing stored, no workflow', async () => {
    const response = await submit({ body: { ...body, attachments: [] } });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      message: '필요한 서류가 첨부되지 않았습니다: 영수증',
      issues: [{ path: 'attachments' }],
    });
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('the requester is the token subject; a body cannot choose it', async () => {
    const response = await submit({ body: { ...body, requesterId: 'E1001' } });
    expect(response.statusCode).toBe(400);
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('a full yearly ledger is a 409 in Korean naming the earlier claim', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );
    dynamo.on(GetCommand, { Key: ledgerKey('E1034', 'health-checkup#2026') }).resolves({ Item: { requestIds: new Set(['R20260301-AAAA']) } });
    const response = await submit();
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body ?? '{}').message).toBe(
      '2026년 건강검진비 지원은(는) 이미 청구하셨습니다 (1인 연 1회). 기존 요청: R20260301-AAAA',
    );
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('malformed JSON and missing tokens are 4xx with Korean messages', async () => {
    const malformed = await submit({ rawBody: '{"kind":' });
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body ?? '{}').message).toBe('요청 본문이 올바른 JSON이 아닙니다.');
    const anonymous = await handler(httpEvent({ routeKey: 'POST /requests', body }), lambdaContext);
    expect(anonymous.statusCode).toBe(401);
  });

  it('an unexpected failure is a 500 that reveals nothing', async () => {
    dynamo.on(TransactWriteCommand).rejects(new ConditionalCheckFailedException({ message: 'internal detail: table approval-table', $metadata: {} }));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await submit();
    errors.mockRestore();
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('approval-table');
    expect(JSON.parse(response.body ?? '{}')).toEqual({ message: '요청을 처리하지 못했습니다. 잠시 후 다시 시도하세요.' });
  });

  it('when the workflow cannot start, the stored request fails visibly and gives its place back', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('throttled'));
    const response = await submit();
    expect(response.statusCode).toBe(503);
    const writes = dynamo.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(2);
    const compensation = writes[1]?.args[0].input.TransactItems ?? [];
    expect(compensation).toContainEqual(
      expect.objectContaining({ Put: expect.objectContaining({ Item: expect.objectContaining({ status: 'failed' }) }) }),
    );
    expect(compensation).toContainEqual(
      expect.objectContaining({
        Update: expect.objectContaining({ Key: { pk: 'LEDGER#E1034', sk: 'health-checkup#2026' }, UpdateExpression: 'DELETE requestIds :ids' }),
      }),
    );
  });

  describe('an amount-capped claim (난임치료, 3,000,000 KRW a year)', () => {
    const infertility = {
      kind: 'infertility-treatment',
      treatmentDate: '2026-03-02',
      amountPaid: 800_000,
      clinic: '한빛여성의원',
      treatmentType: 'artificial-insemination',
      attachments: [uploads.infertilityReceipt, uploads.itemizedBill, uploads.diagnosis],
    };
    const infertilityLedger = ledgerKey('E1034', 'infertility-treatment#2026');
    const ledgerUpdates = () =>
      dynamo
        .commandCalls(TransactWriteCommand)
        .map((call) => call.args[0].input.TransactItems?.find((item) => item.Update?.Key?.['pk'] === infertilityLedger.pk)?.Update);

    it('reserves only what is left under the cap, with a condition that keeps concurrent claims under it too', async () => {
      dynamo.on(GetCommand, { Key: infertilityLedger }).resolves({ Item: { requestIds: new Set(['R1', 'R2']), reservedKrw: 2_700_000 } });
      const response = await submit({ body: infertility });
      expect(response.statusCode).toBe(201);
      expect(JSON.parse(response.body ?? '{}')).toMatchObject({ amountRequested: 800_000, reimbursableAmount: 300_000 });
      expect(ledgerUpdates()[0]).toMatchObject({
        UpdateExpression: 'ADD requestIds :ids, reservedKrw :amount',
        ConditionExpression: '(attribute_not_exists(reservedKrw) OR reservedKrw <= :maxBefore)',
        ExpressionAttributeValues: expect.objectContaining({ ':amount': 300_000, ':maxBefore': 2_700_000 }),
      });
    });

    it('when another claim takes the rest first, it reads again and refuses with what was used', async () => {
      dynamo
        .on(GetCommand, { Key: infertilityLedger })
        // Read once for the documents (not the first claim of the year: no diagnosis needed), once for the reservation.
        .resolvesOnce({ Item: { requestIds: new Set(['R1']), reservedKrw: 2_700_000 } })
        .resolvesOnce({ Item: { requestIds: new Set(['R1']), reservedKrw: 2_700_000 } })
        .resolves({ Item: { requestIds: new Set(['R1', 'R9']), reservedKrw: 3_000_000 } });
      dynamo.on(TransactWriteCommand).rejects(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
        }),
      );
      const response = await submit({ body: infertility });
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body ?? '{}').message).toBe(
        '2026년 난임치료 시술비 지원 지원 한도 3,000,000원를 이미 모두 사용했습니다 (사용액 3,000,000원). 더 지원받을 수 없습니다.',
      );
      expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
      expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    });
  });
});
