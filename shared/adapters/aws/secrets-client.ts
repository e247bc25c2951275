import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The one Secrets Manager client of a function, created at module load. */
export const secretsManager = new SecretsManagerClient({});
