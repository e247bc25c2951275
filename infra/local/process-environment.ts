import { readFileSync } from 'node:fs';
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

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server that is told its port and binds
 * it seconds later (DynamoDB Local's JVM). Picked below the kernel's ephemeral range: a server in
 * this process listening on port 0 meanwhile (the local S3, the API) gets its port from that range,
 * so it cannot take this one before the JVM binds it — which happened (`Address already in use`).
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 10_000;
  for (let attempt = 0; attempt < 50 && low > floor + 1000; attempt++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    if (await canListen(port)) return port;
  }
  return listenOnce(0);
}

/** The kernel's range for ports given to listeners on port 0 (Linux; the IANA range elsewhere). */
export function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [49_152, 65_535];
}

const canListen = (port: number) =>
  listenOnce(port).then(
    () => true,
    () => false,
  );

async function listenOnce(port: number): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', fail);
    probe.listen(port, '127.0.0.1', () => done());
  });
  const { port: bound } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return bound;
}
