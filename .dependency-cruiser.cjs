/**
 * Import rules checked by `npm run lint` (dependency-cruiser). Type-only imports count too: a cycle
 * of types is still a cycle a reader has to untangle.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other, directly or through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-aws',
      severity: 'error',
      comment: 'The domain (kinds, policies, rules, use cases, ports) imports neither the AWS SDK nor middy; adapters do.',
      from: { path: '^shared/(requests|policies|approvals|calendar|directory|events|finance|fleet|kernel|notifications|ports|use-cases)/' },
      to: { path: '^node_modules/(@aws-sdk|@middy)/' },
    },
    {
      name: 'no-bench-in-product',
      severity: 'error',
      comment: 'Benchmark code (metering) never ships in a Lambda bundle.',
      from: { path: '^(shared|functions|workflows)/' },
      to: { path: '^(bench|infra/local)/' },
    },
    {
      name: 'client-mocks-in-isolated-tests',
      severity: 'error',
      comment:
        'aws-sdk-client-mock replaces a client class for the whole process: only test/handlers (one process per file) may use it; ' +
        'test/unit and test/integration share a process between files (vitest.config.ts).',
      from: { path: '^test/(unit|infra|integration|fixtures)/' },
      to: { path: '^node_modules/aws-sdk-client-mock/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
