import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../ports/messaging.js';
import { compose } from './mailers.js';

/** AWS: Amazon SES v2, raw MIME (so the message is byte-for-byte what the outbox shows). */
export function makeSesMailer(from: string, ses: SESv2Client): Mailer {
  return {
    async send(message) {
      const raw = await compose(from, message);
      await ses.send(new SendEmailCommand({ Content: { Raw: { Data: raw } } }));
    },
  };
}
