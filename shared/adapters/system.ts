import { randomBytes } from 'node:crypto';
import { seoulDate } from '../kernel/seoul-time.js';
import type { Clock, Ids } from '../ports/system.js';

export const systemClock: Clock = { now: () => new Date() };

// Crockford base32 without I, L, O, U: easy to read aloud over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const randomIds: Ids = {
  requestId(now) {
    const bytes = randomBytes(8);
    const suffix = [...bytes].map((byte) => ALPHABET[byte % 32]).join('');
    return `R${seoulDate(now).replaceAll('-', '')}-${suffix}`;
  },
  linkId: () => randomBytes(32).toString('base64url'),
};

/** An unguessable attachment id (130 bits), `A` and 26 characters of the same alphabet. */
export function newAttachmentId(): string {
  return `A${[...randomBytes(26)].map((byte) => ALPHABET[byte % 32]).join('')}`;
}
