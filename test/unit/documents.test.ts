import { describe, expect, it } from 'vitest';
import { countIssues, type KindDocuments, missingDocuments, uploadIssues } from '../../shared/documents/document-policy.js';
import { sniffContentType } from '../../shared/documents/file-types.js';
import { kindPolicyFor } from '../../shared/policies/approval-policy.js';
import { officePolicy, officePolicySchema } from '../../shared/policies/office-policy.js';
import { contentDisposition } from '../../shared/ports/document-files.js';
import { files } from '../fixtures/documents.js';

const documentsOf = (kind: string): KindDocuments => kindPolicyFor(officePolicy, kind).documents;
const limits = officePolicy.documents;
const first = { details: {}, firstClaimOfPeriod: true };
const later = { details: {}, firstClaimOfPeriod: false };

describe('a file is what its bytes say', () => {
  it('recognises PDF, JPEG, PNG and HEIC by their magic numbers', () => {
    expect(sniffContentType(files.pdf)).toBe('application/pdf');
    expect(sniffContentType(files.jpeg)).toBe('image/jpeg');
    expect(sniffContentType(files.png)).toBe('image/png');
    expect(sniffContentType(files.heic)).toBe('image/heic');
  });

  it('refuses anything else, whatever it is called: an HTML page, an empty file, a truncated PNG, an MP4', () => {
    expect(sniffContentType(files.htmlAsPdf)).toBeUndefined();
    expect(sniffContentType(new Uint8Array())).toBeUndefined();
    expect(sniffContentType(files.png.subarray(0, 5))).toBeUndefined();
    expect(sniffContentType(Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0', 'latin1'))).toBeUndefined();
  });
});

describe("each kind's documents, from the policy", () => {
  it('health checkup: the receipt is required, the result optional', () => {
    expect(missingDocuments(documentsOf('health-checkup'), [], first)).toEqual(['영수증']);
    expect(missingDocuments(documentsOf('health-checkup'), ['checkup-result'], first)).toEqual(['영수증']);
    expect(missingDocuments(documentsOf('health-checkup'), ['receipt'], first)).toEqual([]);
  });

  it('infertility: receipt and itemised bill always; the diagnosis on the first claim of the year only', () => {
    const documents = documentsOf('infertility-treatment');
    expect(missingDocuments(documents, [], first)).toEqual(['진료비 영수증', '진료비 세부내역서', '난임 진단서']);
    expect(missingDocuments(documents, ['receipt', 'itemized-bill'], first)).toEqual(['난임 진단서']);
    expect(missingDocuments(documents, ['receipt', 'itemized-bill'], later)).toEqual([]);
  });

  it('vaccination: a receipt or a vaccination certificate', () => {
    const documents = documentsOf('vaccination');
    expect(missingDocuments(documents, [], first)).toEqual(['영수증 또는 예방접종 증명서']);
    expect(missingDocuments(documents, ['vaccination-certificate'], first)).toEqual([]);
  });

  it('transfer: proof only for an exception ground that needs it', () => {
    const documents = documentsOf('personnel-transfer');
    expect(missingDocuments(documents, [], { details: {}, firstClaimOfPeriod: true })).toEqual([]);
    expect(missingDocuments(documents, [], { details: { exceptionGround: 'promotion' }, firstClaimOfPeriod: true })).toEqual([]);
    expect(missingDocuments(documents, [], { details: { exceptionGround: 'family-relocation' }, firstClaimOfPeriod: true })).toEqual(['증빙서류']);
  });

  it('repair: nothing required with the submission; quotes are attached at triage, not by the requester', () => {
    expect(missingDocuments(documentsOf('facility-repair'), [], first)).toEqual([]);
    expect(documentsOf('facility-repair').types['quote']?.attachedAt).toBe('facility-triage');
  });
});

describe('upload limits', () => {
  const checkup = documentsOf('health-checkup');

  it('accepts a declared PDF receipt within the size limit', () => {
    expect(uploadIssues(limits, checkup, { documentType: 'receipt', contentType: 'application/pdf', sizeBytes: limits.maxFileBytes })).toEqual([]);
  });

  it('names each field that is wrong, in Korean', () => {
    const issues = uploadIssues(limits, checkup, { documentType: 'itemized-bill', contentType: 'text/html', sizeBytes: limits.maxFileBytes + 1 });
    expect(issues.map((issue) => issue.path)).toEqual(['documentType', 'contentType', 'sizeBytes']);
    expect(issues[0]?.message).toContain('receipt(영수증)');
    expect(issues[1]?.message).toContain('PDF, JPEG, PNG, HEIC');
    expect(issues[2]?.message).toContain('10 MB');
  });

  it('counts files per type and per request', () => {
    expect(countIssues(limits, checkup, ['receipt', 'receipt', 'receipt'])).toEqual([]);
    expect(countIssues(limits, checkup, ['receipt', 'receipt', 'receipt', 'receipt'])).toEqual(['영수증은(는) 3개까지 첨부할 수 있습니다 (4개)']);
    const eleven = [...Array(3).fill('receipt'), ...Array(3).fill('checkup-result'), ...Array(5).fill('other')];
    expect(countIssues(limits, checkup, eleven)[0]).toContain('요청당 10개까지');
  });
});

describe('the policy refuses document rules that cannot work', () => {
  const variant = (change: (policy: any) => void) => {
    const data = structuredClone(officePolicy) as any;
    change(data);
    return officePolicySchema.safeParse(data);
  };

  it('a requirement naming an unknown type, or a step-attached type required at submission', () => {
    expect(variant((p) => p.kinds['vaccination'].documents.required.push({ anyOf: ['prescription'] })).success).toBe(false);
    expect(variant((p) => p.kinds['facility-repair'].documents.required.push({ anyOf: ['quote'] })).success).toBe(false);
  });

  it('a type attached at a step input the line does not have', () => {
    expect(variant((p) => (p.kinds['facility-repair'].documents.types.quote.attachedAt = 'dispatch')).success).toBe(false);
  });

  it('an upload URL living longer than 15 minutes', () => {
    expect(variant((p) => (p.documents.uploadUrlMinutes = 60)).success).toBe(false);
  });
});

describe('Content-Disposition (RFC 6266 / 5987)', () => {
  it('keeps a Korean file name exactly, with an ASCII fallback', () => {
    const header = contentDisposition('건강검진 영수증 (2026).pdf');
    expect(header).toBe(
      `attachment; filename="____ ___ (2026).pdf"; filename*=UTF-8''%EA%B1%B4%EA%B0%95%EA%B2%80%EC%A7%84%20%EC%98%81%EC%88%98%EC%A6%9D%20%282026%29.pdf`,
    );
    const encoded = header.split("UTF-8''")[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('건강검진 영수증 (2026).pdf');
  });

  it('cannot be broken out of by quotes or backslashes in the name', () => {
    expect(contentDisposition('a"b\\c.pdf')).toMatch(/^attachment; filename="a_b_c\.pdf"; filename\*=UTF-8''a%22b%5Cc\.pdf$/);
  });
});
