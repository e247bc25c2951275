/**
 * A port whose adapter loads on its first call instead of at the function's cold start: `load`
 * imports the adapter (and the AWS SDK package it needs) with a dynamic `import()`, which esbuild
 * splits into a chunk of its own. Most invocations of most functions never send mail, start a
 * workflow or touch a document: they no longer pay for loading those SDK packages (bench: cold
 * starts). A load that fails is tried again on the next call. Every member of the port is an
 * async method, each named in `methods` (one left out is a type error).
 */
export function onFirstUse<T extends { [K in keyof T]: (...args: never[]) => Promise<unknown> }>(
  load: () => Promise<T>,
  methods: { [K in keyof T]-?: true },
): T {
  let loading: Promise<T> | undefined;
  const adapter = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return Object.fromEntries(
    (Object.keys(methods) as (keyof T)[]).map((method) => [
      method,
      async (...args: never[]) => {
        const loaded = await adapter();
        return (loaded[method] as (...args: never[]) => Promise<unknown>).apply(loaded, args);
      },
    ]),
  ) as T;
}
