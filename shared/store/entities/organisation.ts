/**
 * The organisation (the office, bureaus, departments, teams: a few hundred small items) shares one
 * partition, `ORG`, so one Query lists a kind of unit (`begins_with(sk, 'DEPARTMENT#')`).
 */
export const organisationPartition = 'ORG';
export const officeKey = () => ({ pk: organisationPartition, sk: 'OFFICE' });
export const bureauPrefix = 'BUREAU#';
export const bureauKey = (id: string) => ({ pk: organisationPartition, sk: `${bureauPrefix}${id}` });
export const departmentPrefix = 'DEPARTMENT#';
export const departmentKey = (id: string) => ({ pk: organisationPartition, sk: `${departmentPrefix}${id}` });
export const teamPrefix = 'TEAM#';
export const teamKey = (id: string) => ({ pk: organisationPartition, sk: `${teamPrefix}${id}` });
