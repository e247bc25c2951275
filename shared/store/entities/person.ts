import { randomBytes } from 'node:crypto';
import type { Person } from '../../directory/directory.js';
import { indexes } from '../table-layout.js';

/**
 * A person: `PERSON#<id>` / `PROFILE`, read by id on every request. While in a team the item
 * carries `memberOfTeam` (`people-by-team`: who holds a role in a team). An admin's edits sit
 * beside it as change records (`PERSON#<id>` / `CHANGE#<at>#<n>`), before and after.
 */
export const personKey = (id: string) => ({ pk: `PERSON#${id}`, sk: 'PROFILE' });
export const personChangePrefix = 'CHANGE#';
export const personChangeKey = (id: string, at: string) => ({
  pk: `PERSON#${id}`,
  sk: `${personChangePrefix}${at}#${randomBytes(4).toString('hex')}`,
});

/** A person as the table holds them: the `memberOfTeam` index attribute only while they are in a team. */
export const personItem = (person: Person) => ({
  ...personKey(person.id),
  ...person,
  ...(person.teamId === null ? {} : { [indexes.peopleByTeam.partitionKey]: person.teamId }),
});
