import type { DomainEventType } from './event-types.js';

/**
 * The office's systems that take events from the bus, and which: the stack gives each a queue and
 * a rule (infra/constructs/domain-events.ts). Data, so a test can check what each would receive.
 */
export const eventConsumers = {
  /** e호조 (지출결의): each reimbursement once it is approved and paid, with its amount, payee id and 문서번호. */
  finance: { description: 'Approved and paid reimbursements, for the finance system (e호조 지출결의)', types: ['ReimbursementPaid'] },
  /** The personnel system: each transfer once it takes effect, with the department and the date. */
  personnel: { description: 'Transfers in effect, for the personnel system (인사 시스템)', types: ['TransferEffective'] },
} as const satisfies Record<string, { description: string; types: readonly DomainEventType[] }>;
