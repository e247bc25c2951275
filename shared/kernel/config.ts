import * as z from 'zod';

/**
 * Reads and validates configuration once, at module load. A missing or malformed variable
 * fails fast and names the variable, so a misconfigured function never starts serving.
 */
export function readConfig<S extends z.ZodRawShape>(shape: S, env: Record<string, string | undefined> = process.env): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} (${issue.message})`);
    throw new Error(`Invalid configuration: ${problems.join(', ')}`);
  }
  return result.data;
}

/** A JSON-encoded environment variable, validated by `schema`. */
export const jsonEnv = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
