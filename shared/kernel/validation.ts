import * as z from 'zod';
import ko from 'zod/v4/locales/ko.js';
import { type FieldIssue, ValidationError } from './errors.js';

// Korean messages for any rule a schema does not phrase itself.
z.config(ko());

export function toFieldIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.') || '(본문)',
    message: issue.message,
  }));
}

export function invalidInput(issues: FieldIssue[]): ValidationError {
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new ValidationError(`입력값이 올바르지 않습니다 — ${summary}`, issues);
}

/** Parses `input`, turning any failure into a 400 with a Korean message per field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidInput(toFieldIssues(result.error, prefix));
  return result.data;
}

/** Integer won, at least 1. */
export const positiveKrw = (label: string) =>
  z
    .int({ error: `${label}은(는) 원 단위 정수여야 합니다` })
    .min(1, { error: `${label}은(는) 1원 이상이어야 합니다` })
    .max(1_000_000_000_000, { error: `${label}이(가) 너무 큽니다` });

export const isoDate = (label: string) => z.iso.date({ error: `${label}은(는) YYYY-MM-DD 형식의 날짜여야 합니다` });

/** Free text a person types: must say something, kept exactly as typed. */
export const text = (label: string, max: number) =>
  z
    .string({ error: `${label}을(를) 입력하세요` })
    .min(1, { error: `${label}을(를) 입력하세요`, abort: true })
    .max(max, { error: `${label}은(는) ${max}자 이내로 입력하세요` })
    .refine((value) => value.trim().length > 0, { error: `${label}을(를) 입력하세요` });

/** A whole number from JSON (a number) or a form (digits, commas allowed); an empty form field is "not given". */
export const wholeNumber = (label: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? (value.trim() === '' ? undefined : Number(value.replaceAll(',', '').trim())) : value),
    z
      .int({ error: `${label}은(는) 정수여야 합니다` })
      .nonnegative({ error: `${label}은(는) 0 이상이어야 합니다` })
      .max(1_000_000_000_000, { error: `${label}이(가) 너무 큽니다` }),
  );

/** Optional text from JSON or a form; an empty form field is "not given". */
export const optionalText = (label: string, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string({ error: `${label}은(는) 문자열이어야 합니다` })
      .max(max, { error: `${label}은(는) ${max}자 이내로 입력하세요` })
      .optional(),
  );
