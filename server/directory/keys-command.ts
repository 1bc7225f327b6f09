import { parseArgs } from 'node:util';
import { UsageError } from '../cli/usage.ts';
import { loadConfig } from '../env.ts';
import { generateKeyFile, keysDir, loadSigningKeys } from './signing-keys.ts';

export const KEYS_HELP = `thiqa keys generate
  Creates an Ed25519 key pair under $THIQA_DATA_DIR/keys/ (private JWK, mode 0600) and prints
  the public key for extension builds (THIQA_PUBLIC_KEYS). Every key there signs each manifest:
  to rotate, generate a new key, ship builds that pin both, then delete the old key file.
thiqa keys list
  Prints the key id and public key of every signing key.`;

export async function runKeys(args: string[], out: (line: string) => void): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  const [action, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError('keys takes one action: generate or list');
  const { dataDir } = loadConfig();
  if (action === 'generate') {
    const key = await generateKeyFile(dataDir);
    out(`key id:      ${key.keyId}`);
    out(`public key:  ${key.publicKey}`);
    out(`private key: ${key.path}`);
    out(`\nFor extension builds: THIQA_PUBLIC_KEYS=${key.publicKey}`);
    return 0;
  }
  if (action === 'list') {
    const keys = await loadSigningKeys(dataDir);
    if (keys.length === 0) out(`no signing key in ${keysDir(dataDir)}: run thiqa keys generate`);
    for (const key of keys) out(`${key.keyId}  ${key.publicKey}`);
    return 0;
  }
  throw new UsageError('keys takes one action: generate or list');
}
