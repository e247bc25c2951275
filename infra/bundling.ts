/**
 * How the app's functions are bundled: `per-function` (the default: what `cdk deploy` ships, each
 * cold start loading only its own code) or `shared` (one esbuild build of every handler, ≈ 2 s
 * instead of ≈ 18 s; the local runtime's). Set with this CDK context key; read by AppFunction. Its
 * own module so the local runtime can name it without loading the CDK.
 */
export type Bundling = 'per-function' | 'shared';
export const BUNDLING_CONTEXT = 'approvals:bundling';
