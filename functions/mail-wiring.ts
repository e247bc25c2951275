import * as z from 'zod';
import { makeOutboxMailer, makeSmtpMailer } from '../shared/adapters/mailers.js';
import { readConfig } from '../shared/kernel/config.js';
import type { Mailer } from '../shared/ports/messaging.js';
import { observedMailer } from './observability.js';
import { onFirstUse } from './on-first-use.js';

/** The mailer the environment asks for. Kept apart from wiring.ts so only functions that send mail bundle nodemailer. */
export function mailerFromEnv(): Mailer {
  const config = readConfig({
    MAIL_FROM: z.string().min(3),
    MAIL_TRANSPORT: z.enum(['ses', 'smtp', 'outbox']),
    OUTBOX_DIR: z.string().optional(),
    SMTP_URL: z.string().optional(),
  });
  switch (config.MAIL_TRANSPORT) {
    case 'ses':
      // SES loads with the first email, not at every cold start.
      return observedMailer(
        onFirstUse<Mailer>(
          async () => {
            const [{ ses }, { makeSesMailer }] = await Promise.all([
              import('../shared/adapters/aws/sesv2-client.js'),
              import('../shared/adapters/ses-mailer.js'),
            ]);
            return makeSesMailer(config.MAIL_FROM, ses);
          },
          { send: true },
        ),
      );
    case 'smtp':
      return observedMailer(makeSmtpMailer(config.MAIL_FROM, readConfig({ SMTP_URL: z.url() }).SMTP_URL));
    case 'outbox':
      return observedMailer(makeOutboxMailer(config.MAIL_FROM, readConfig({ OUTBOX_DIR: z.string().min(1) }).OUTBOX_DIR));
  }
}

/**
 * For functions wired with use cases that send mail on some routes only: a read-only route needs
 * neither the mail settings nor the permission to send. The settings are read at load, like every
 * other; without them, sending fails (and says why) instead of the function failing to load.
 */
export function optionalMailerFromEnv(): Mailer {
  try {
    return mailerFromEnv();
  } catch (error) {
    return {
      send: async () => {
        throw error;
      },
    };
  }
}
