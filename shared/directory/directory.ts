import * as z from 'zod';

/** Employee ids as the personnel system issues them. */
export const employeeIdPattern = /^E\d{4,}$/;

/** The office's organisation, as loaded from the seed (locally) or the admin loader (AWS). */
export const personSchema = z.object({
  id: z.string().regex(employeeIdPattern),
  name: z.string().min(1),
  email: z.email(),
  departmentId: z.string(),
  teamId: z.string().nullable(),
  position: z.string(),
  grade: z.string(),
  jobSeries: z.string(),
  hiredVia: z.enum(['open', 'career']),
  birthDate: z.iso.date(),
  postStartDate: z.iso.date(),
  slackUserId: z.string().nullable(),
  roles: z.array(z.string()),
});

export const teamSchema = z.object({
  id: z.string(),
  departmentId: z.string(),
  name: z.string(),
  leaderId: z.string(),
});

export const departmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  bureauId: z.string(),
  headId: z.string(),
});

export const bureauSchema = z.object({
  id: z.string(),
  name: z.string(),
  directorId: z.string(),
});

export const officeSchema = z.object({ name: z.string(), mayorId: z.string() });

/**
 * The roles a person can hold, once. Policies name them (who reviews, who dispatches); directory
 * administration accepts only these.
 */
export const knownRoles = [
  'welfare-officer',
  'hr-officer',
  'dispatch-officer',
  'facility-officer',
  'admin',
  'finance',
  /** Reads every request's record, read-only (health details only for a stated, recorded purpose). */
  'auditor',
  /** 개인정보 보호책임자's delegate: reads the access log and gets its monthly check. */
  'privacy-officer',
] as const;
export type Role = (typeof knownRoles)[number];

export const directorySnapshotSchema = z.object({
  office: officeSchema,
  bureaus: z.array(bureauSchema),
  departments: z.array(departmentSchema),
  teams: z.array(teamSchema),
  people: z.array(personSchema),
});

export type Person = z.infer<typeof personSchema>;
export type Team = z.infer<typeof teamSchema>;
export type Department = z.infer<typeof departmentSchema>;
export type Bureau = z.infer<typeof bureauSchema>;
export type Office = z.infer<typeof officeSchema>;
export type DirectorySnapshot = z.infer<typeof directorySnapshotSchema>;

/** Port: read access to the directory. */
export interface Directory {
  person(id: string): Promise<Person | undefined>;
  team(id: string): Promise<Team | undefined>;
  department(id: string): Promise<Department | undefined>;
  bureau(id: string): Promise<Bureau | undefined>;
  office(): Promise<Office | undefined>;
  teamMembers(teamId: string): Promise<Person[]>;
  /** The whole organisation, each kind in one read (any order). */
  departments(): Promise<Department[]>;
  teams(): Promise<Team[]>;
  bureaus(): Promise<Bureau[]>;
}

/**
 * The last admin edit of a person's entry. Absent while the entry is as the seed or the personnel
 * export loaded it; the loaders never overwrite an entry that has one.
 */
export const personRevisionSchema = z.object({
  /** 1 for the first admin edit, +1 for each one after; guards against lost updates. */
  version: z.int().min(1),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
});
export type PersonRevision = z.infer<typeof personRevisionSchema>;

/** A person as stored, with their last admin edit. */
export interface PersonRecord {
  person: Person;
  revision: PersonRevision | null;
}

/** Who changes a person and when; `previous` is the entry the change replaces (absent: a new person). */
export interface PersonChange {
  actorId: string;
  at: string;
  previous?: PersonRecord;
}

/** An append-only audit record of one admin edit: the entry before (null when created) and after. */
export const personChangeRecordSchema = z.object({
  personId: z.string(),
  actorId: z.string(),
  at: z.iso.datetime(),
  version: z.int().min(1),
  before: personSchema.nullable(),
  after: personSchema,
});
export type PersonChangeRecord = z.infer<typeof personChangeRecordSchema>;

/**
 * Port: directory administration. Changing a person never touches requests in flight: each approval
 * step stores its approver, who keeps the step unless a delegation or escalation re-routes it.
 */
export interface DirectoryAdmin {
  personRecord(id: string): Promise<PersonRecord | undefined>;
  /**
   * Stores the person and appends their change record, atomically. Throws `ConcurrentChangeError`
   * (shared/ports/) when the stored entry is no longer `change.previous`.
   */
  savePerson(person: Person, change: PersonChange): Promise<PersonRevision>;
}
