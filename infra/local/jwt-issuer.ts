import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** The local stage's identity provider: what the office's OIDC provider is in AWS. */
export const LOCAL_JWT = { issuer: 'https://auth.local.invalid/general-affairs', audience: 'approval-api-local' } as const;

const ALGORITHM = 'ES256';

interface KeyFile {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The signing key under `$DATA_DIR/keys/`, created on first use and kept across restarts. */
async function signingKey(dataDir: string): Promise<KeyFile> {
  const path = join(dataDir, 'keys', 'jwt-signing-key.json');
  try {
    return JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const key: KeyFile = { kid: `local-${Date.now()}`, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  await writeFile(path, JSON.stringify(key, null, 2), { flag: 'wx', mode: 0o600 }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error; // another process created it first: use theirs
  });
  return JSON.parse(await readFile(path, 'utf8')) as KeyFile;
}

export async function issueToken(input: { dataDir: string; subject: string; expiresIn?: string }): Promise<string> {
  const key = await signingKey(input.dataDir);
  return new SignJWT({ scope: 'approval' })
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(input.subject)
    .setIssuer(LOCAL_JWT.issuer)
    .setAudience(LOCAL_JWT.audience)
    .setIssuedAt()
    .setExpirationTime(input.expiresIn ?? '8h')
    .sign(await importJWK(key.privateJwk, ALGORITHM));
}

/** Verifies like API Gateway's JWT authorizer: signature, issuer, audience, expiry and not-before. */
export async function makeVerifier(dataDir: string) {
  const key = await signingKey(dataDir);
  const publicKey = await importJWK(key.publicJwk, ALGORITHM);
  return async (token: string, expected: { issuer: string; audience: string[] }): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, publicKey, { issuer: expected.issuer, audience: expected.audience, algorithms: [ALGORITHM] });
    return payload;
  };
}
