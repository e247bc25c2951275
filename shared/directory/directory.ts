import * as z from 'zod';

/** The office's organisation, as loaded from the seed (locally) or the admin loader (AWS). */
export const personSchema = z.object({
  id: z.string().regex(/^E\d{4,}$/),
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
}
