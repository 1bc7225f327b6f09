import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { publicDirectoryDir } from './publisher.ts';

// What the published folder serves: its own regular files, never what a link or a
// special file planted in it leads to (the attack run read the signing key that way).

let service: TestService;
let dir: string;
const SECRET = '-----BEGIN PRIVATE KEY-----\nnot for the public\n';

beforeEach(async () => {
  service = await openTestService();
  dir = publicDirectoryDir(service.dataDir);
  await mkdir(dir, { recursive: true });
  await mkdir(join(service.dataDir, 'keys'), { recursive: true });
  await writeFile(join(service.dataDir, 'keys', 'signing.pem'), SECRET);
});
afterEach(() => service.close());

describe('GET /v1/directory/{file}', () => {
  it('serves a regular file of the published folder', async () => {
    await writeFile(join(dir, 'snapshot-1-0123456789abcdef.json.gz'), 'gzipped bytes');
    const response = await service.send('GET', '/v1/directory/snapshot-1-0123456789abcdef.json.gz');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('gzipped bytes');
  });

  it.each([
    ['manifest.json', '../../../keys/signing.pem'],
    ['snapshot-9-0123456789abcdef.json.gz', join('..', '..', '..', 'keys', 'signing.pem')],
    ['delta-1-2-0123456789abcdef.json.gz', '/etc/passwd'],
  ])('answers 404 for %s planted as a symbolic link to %s', async (name, target) => {
    await symlink(target, join(dir, name));
    const response = await service.send('GET', `/v1/directory/${name}`);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toContain('PRIVATE KEY');
    expect(body).not.toContain('root:');
  });

  it('answers 404 for a link to a file it served a moment ago', async () => {
    const name = 'snapshot-2-0123456789abcdef.json.gz';
    await writeFile(join(dir, 'real.json.gz'), 'published');
    await writeFile(join(dir, name), 'published');
    expect((await service.send('GET', `/v1/directory/${name}`)).status).toBe(200);
    execFileSync('ln', ['-sf', join(service.dataDir, 'keys', 'signing.pem'), join(dir, name)]);
    const response = await service.send('GET', `/v1/directory/${name}`);
    expect(response.status).toBe(404);
  });

  it('answers 404, without hanging, for a named pipe or a folder planted under a file name', async () => {
    execFileSync('mkfifo', [join(dir, 'manifest.json')]);
    await mkdir(join(dir, 'snapshot-3-0123456789abcdef.json.gz'));
    expect((await service.send('GET', '/v1/directory/manifest.json')).status).toBe(404);
    expect((await service.send('GET', '/v1/directory/snapshot-3-0123456789abcdef.json.gz')).status).toBe(404);
  });
});
