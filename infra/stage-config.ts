import * as z from 'zod';

/** Per-stage settings from CDK context (`cdk.json` → `stages.<name>`, or `-c` on the command line). */
export const stageConfigSchema = z.object({
  /** The SES-verified sender of approval emails. */
  mailFrom: z.email(),
  /** The staff identity provider (OIDC) whose JWTs the API accepts; `sub` is the employee id. */
  jwtIssuer: z.url(),
  jwtAudience: z.array(z.string().min(1)).min(1),
  /** Base of approval links, e.g. a custom domain; defaults to the API's own endpoint. */
  publicBaseUrl: z.url().optional(),
  /** Keep the table (and refuse deletion), the documents' buckets and their key when the stack goes away. */
  retainData: z.boolean(),
  /**
   * The office portal's origins (`https://portal.example.kr`), whose pages upload and download
   * documents with presigned URLs; without them the document buckets allow no browser (no CORS rule).
   */
  portalOrigins: z
    .array(
      z
        .url()
        .refine(
          (url) => URL.canParse(url) && new URL(url).origin === url,
          'must be an origin: scheme, host and port only, no path or trailing slash',
        ),
    )
    .min(1)
    .optional(),
  /** Who the alarms email (the SNS topic's subscribers): 전산운영팀's on-call addresses. */
  alarmEmails: z.array(z.email()).default([]),
  /** The functions' log level: DEBUG on a developer's stage, INFO in production. */
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
});
export type StageConfig = z.output<typeof stageConfigSchema>;

export function readStage(context: { stage: unknown; stages: unknown }): { name: string; config: StageConfig } {
  const name = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,20}$/)
    .safeParse(context.stage);
  if (!name.success) throw new Error('CDK context "stage" must name a stage, e.g. -c stage=dev');
  const stages = z.record(z.string(), z.unknown()).safeParse(context.stages);
  const raw = stages.success ? stages.data[name.data] : undefined;
  if (raw === undefined) throw new Error(`CDK context "stages.${name.data}" is missing (see cdk.json)`);
  const config = stageConfigSchema.safeParse(raw);
  if (!config.success) {
    throw new Error(`CDK context "stages.${name.data}" is invalid: ${config.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return { name: name.data, config: config.data };
}
