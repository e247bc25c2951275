import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import type { EmailMessage, Mailer } from '../ports/ports.js';

/** Builds the RFC 5322 message (UTF-8, text + HTML alternatives) every transport sends. */
async function compose(from: string, message: EmailMessage): Promise<Buffer> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await composer.sendMail({
    from,
    to: { name: message.to.name, address: message.to.email },
    subject: message.subject,
    text: message.text,
    html: message.html,
  });
  return info.message as Buffer;
}

/** Local: each message becomes an `.eml` file a person or a test can open. */
export function makeOutboxMailer(from: string, directory: string): Mailer {
  return {
    async send(message) {
      const raw = await compose(from, message);
      await mkdir(directory, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      // Write then rename, so a reader never sees half a message.
      await writeFile(join(directory, `.${name}.tmp`), raw);
      await rename(join(directory, `.${name}.tmp`), join(directory, name));
    },
  };
}

/** AWS: Amazon SES v2, raw MIME (so the message is byte-for-byte what the outbox shows). */
export function makeSesMailer(from: string, ses: SESv2Client): Mailer {
  return {
    async send(message) {
      const raw = await compose(from, message);
      await ses.send(new SendEmailCommand({ Content: { Raw: { Data: raw } } }));
    },
  };
}

/** Offices relaying through their own mail server. */
export function makeSmtpMailer(from: string, smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ envelope: { from, to: message.to.email }, raw: await compose(from, message) });
    },
  };
}
