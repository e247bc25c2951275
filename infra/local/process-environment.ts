import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sets environment variables of this process and returns what puts them back as they were (set
 * or absent). The local runtime shares its process with the functions it hosts, and in the tests
 * with the runtimes that follow it: what one sets, it must give back.
 */
export function setEnvironment(variables: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => done());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}
