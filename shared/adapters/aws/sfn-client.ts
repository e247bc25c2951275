import { SFNClient } from '@aws-sdk/client-sfn';

/** The one Step Functions client of a function, created at module load. */
export const stepFunctions = new SFNClient({});
