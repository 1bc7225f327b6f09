import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

describe('loadConfig', () => {
  it('has defaults for everything but the admin token', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      dataDir: resolve('.thiqa'),
      port: 8787,
      adminToken: undefined,
      reportRateLimit: undefined,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgresql://thiqa:secret@db.internal:5432/thiqa',
        THIQA_DATA_DIR: '/srv/thiqa',
        THIQA_PORT: '9000',
        THIQA_ADMIN_TOKEN: 'x'.repeat(32),
        THIQA_REPORT_RATE_LIMIT: '30/5m',
      }),
    ).toEqual({
      databaseUrl: 'postgresql://thiqa:secret@db.internal:5432/thiqa',
      dataDir: '/srv/thiqa',
      port: 9000,
      adminToken: 'x'.repeat(32),
      reportRateLimit: { max: 30, windowMs: 300_000 },
    });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    [{ THIQA_PORT: '80a' }, 'THIQA_PORT: must be a port number'],
    [{ THIQA_PORT: '70000' }, 'THIQA_PORT: must be a port number'],
    [{ THIQA_ADMIN_TOKEN: 'short' }, 'THIQA_ADMIN_TOKEN: must be at least 24 characters'],
    [{ THIQA_REPORT_RATE_LIMIT: 'lots' }, 'THIQA_REPORT_RATE_LIMIT: must be <max>/<window>'],
    [{ THIQA_REPORT_RATE_LIMIT: '0/1m' }, 'THIQA_REPORT_RATE_LIMIT'],
  ])('stops on %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
