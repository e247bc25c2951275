import { SESv2Client } from '@aws-sdk/client-sesv2';

/** The one SES client of a function, created at module load. */
export const ses = new SESv2Client({});
