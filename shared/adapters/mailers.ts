import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { EmailMessage, Mailer } from '../ports/messaging.js';

/**
 * nodemailer is a quarter of a mail-capable function's bundle (238 of ≈430 KB minified). Imported
 * on the first message, esbuild splits it into a chunk, so a cold start whose invocation sends no
 * mail (most reads, many decisions) does not load it.
 */
const loadNodemailer = async () => (await import('nodemailer')).default;

/** Builds the RFC 5322 message (UTF-8, text + HTML alternatives) every transport sends. */
export async function compose(from: string, message: EmailMessage): Promise<Buffer> {
  const nodemailer = await loadNodemailer();
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

/** Offices relaying through their own mail server. */
export function makeSmtpMailer(from: string, smtpUrl: string): Mailer {
  let transport: Transporter | undefined;
  return {
    async send(message) {
      transport ??= (await loadNodemailer()).createTransport(smtpUrl);
      await transport.sendMail({ envelope: { from, to: message.to.email }, raw: await compose(from, message) });
    },
  };
}
