import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateSigningKey,
  importSigningKey,
  type PublicKeyInfo,
  type SigningKey,
} from '../../src/directory/signing.ts';
import { ServiceError } from '../http/service-error.ts';

// The publisher's Ed25519 keys live as private JWK files under THIQA_DATA_DIR/keys/.
// Every key found there signs each manifest, so a rotation is: generate the new key,
// ship extensions that pin both, then delete the old file.

const KEY_SUFFIX = '.private.jwk';

export function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

export async function generateKeyFile(dataDir: string): Promise<PublicKeyInfo & { path: string }> {
  const { info, privateJwk } = await generateSigningKey();
  await mkdir(keysDir(dataDir), { recursive: true, mode: 0o700 });
  const path = join(keysDir(dataDir), `${info.keyId}${KEY_SUFFIX}`);
  await writeFile(path, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return { ...info, path };
}

export async function loadSigningKeys(dataDir: string): Promise<SigningKey[]> {
  const names = await readdir(keysDir(dataDir)).catch(() => [] as string[]);
  const keys: SigningKey[] = [];
  for (const name of names.filter((file) => file.endsWith(KEY_SUFFIX)).sort()) {
    const path = join(keysDir(dataDir), name);
    try {
      keys.push(await importSigningKey(JSON.parse(await readFile(path, 'utf8'))));
    } catch (error) {
      throw new ServiceError('invalid', `${path}: ${(error as Error).message}`);
    }
  }
  return keys;
}
