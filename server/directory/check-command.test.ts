import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';

const BIN = new URL('../../bin/thiqa.mjs', import.meta.url).pathname;
const AT = ['--at', '2026-11-27T10:00:00Z'];

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('thiqa check', () => {
  it('prints the verdict of a verified demo shop as one JSON object', async () => {
    const { code, stdout } = await cli('check', 'https://www.atlas-electro.test/produit?id=3#avis', ...AT);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      input: 'https://www.atlas-electro.test/produit?id=3#avis',
      domain: 'atlas-electro.test',
      display: 'atlas-electro.test',
      verdict: { level: 'verified', reasons: [{ code: 'merchant-verified' }] },
      merchant: { id: 'atlas-electro', legalName: 'Atlas Électro SARL', ice: '001520003000037' },
      directory: { version: 1, publishedAt: '2026-11-20T09:00:00Z' },
    });
  });

  it.each([
    ['atlas-electro.test', 'verified'],
    ['دار-أركان.test', 'verified'],
    ['souk-bladi.youcan.shop', 'caution'],
    ['fes-cuir.test', 'danger'],
    ['promo-iphone-maroc.test', 'danger'],
    ['never-heard-of.test', 'unknown'],
  ])('%s → %s', async (input, level) => {
    const { code, stdout } = await cli('check', input, ...AT);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).verdict.level).toBe(level);
  });

  it('shows an Arabic IDN in both forms', async () => {
    const result = JSON.parse((await cli('check', 'xn----rmckc0bnc8l2a.test', ...AT)).stdout);
    expect(result).toMatchObject({ domain: 'xn----rmckc0bnc8l2a.test', display: 'دار-أركان.test' });
  });

  it.each([
    '',
    'http://',
    `${'a'.repeat(10_240)}.ma`,
    'javascript:alert(1)',
    'data:text/html,<b>x</b>',
    `${'a'.repeat(64)}.ma`,
    'xn--zz',
    'https://user:pass@atlas-electro.test/',
    '[::1]',
  ])('answers bad input %j with a none verdict', async (input) => {
    const { code, stdout, stderr } = await cli('check', input, ...AT);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({
      domain: null,
      display: null,
      merchant: null,
      verdict: { level: 'none' },
    });
  });

  it.each([
    [['check'], 'exactly one'],
    [['check', 'a.test', 'b.test'], 'exactly one'],
    [['check', 'a.test', '--bogus'], "Unknown option '--bogus'"],
    [['check', 'a.test', '--directory'], "'--directory"],
    [['check', 'a.test', '--at', 'yesterday'], 'not an ISO 8601 time'],
    [['frobnicate'], 'unknown command'],
  ])('answers bad usage %j with exit 2 and one line', async (argv, message) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('names the field of a directory file that fails its schema', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'thiqa-check-'));
    const snapshot = JSON.parse(
      await (await import('node:fs/promises')).readFile(
        new URL('../../public/directory/snapshot.json', import.meta.url),
        'utf8',
      ),
    );
    snapshot.state.merchants[0].ice = '123456789012345';
    await writeFile(join(folder, 'snapshot.json'), JSON.stringify(snapshot));
    const { code, stderr } = await cli('check', 'atlas-electro.test', '--directory', folder);
    expect(code).toBe(1);
    expect(stderr).toContain('state.merchants.0.ice: must be a valid ICE');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the thiqa bin', () => {
  const run = promisify(execFile);

  it('works from package.json with no build step, and documents every command', async () => {
    const help = await run(process.execPath, [BIN, '--help']);
    expect(help.stdout).toContain('thiqa check <url-or-host>');
    const checked = await run(process.execPath, [BIN, 'check', 'casa-deals.test', ...AT]);
    expect(JSON.parse(checked.stdout).verdict.level).toBe('danger');
  });

  it('exits 2 with one line and no stack trace for bad usage', async () => {
    const failure = await run(process.execPath, [BIN, 'check']).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stderr.trim().split('\n')).toEqual(['thiqa: check takes exactly one URL or host name']);
  });
});
