import { fileURLToPath } from 'node:url';

/** The seeded organisation the local runtime loads at start. */
export const SEED_DIRECTORY = fileURLToPath(new URL('./seed/directory.json', import.meta.url));

/** The office's 232 vehicles in the seed's composition (DOMAIN.md), loaded beside the directory. */
export const SEED_FLEET = fileURLToPath(new URL('./seed/fleet.json', import.meta.url));
