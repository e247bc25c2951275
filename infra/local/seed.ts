import { fileURLToPath } from 'node:url';

/** The seeded organisation the local runtime loads at start. */
export const SEED_DIRECTORY = fileURLToPath(new URL('./seed/directory.json', import.meta.url));
