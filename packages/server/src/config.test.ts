import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SQLITE_PATH, loadConfig } from './config.js';

describe('config from the environment', () => {
  it('defaults to port 8080 on 127.0.0.1 with the embedded SQLite file and the demo app', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', demo: true, logRetentionDays: 90, corsOrigins: [] });
    expect(c.database).toEqual({ dialect: 'sqlite', path: resolve(DEFAULT_SQLITE_PATH) });
  });

  it('selects PostgreSQL for a postgres:// DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/vkp' }).database).toEqual({ dialect: 'postgresql', url: 'postgres://u:p@db:5432/vkp' });
  });

  it('reads a list of CORS origins and a public URL without its trailing slash', () => {
    const c = loadConfig({ VKP_CORS_ORIGINS: 'https://a.example, https://b.example', VKP_PUBLIC_URL: 'https://pay.example/' });
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.publicUrl).toBe('https://pay.example');
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: /],
    [{ VKP_ADMIN_TOKEN: 'short' }, /^VKP_ADMIN_TOKEN: must be at least 16 characters/],
    [{ VKP_PUBLIC_URL: 'not a url' }, /^VKP_PUBLIC_URL: /],
    [{ VKP_LOG_RETENTION_DAYS: '0' }, /^VKP_LOG_RETENTION_DAYS: /],
    [{ VKP_DEMO: 'yes' }, /^VKP_DEMO: /],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(message);
  });
});

describe('the log budget of unverified notifications', () => {
  it('logs at most 60 per app and minute unless told otherwise (0: no cap)', () => {
    expect(loadConfig({}).unverifiedLogPerMinute).toBe(60);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE: '5' }).unverifiedLogPerMinute).toBe(5);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE: '0' }).unverifiedLogPerMinute).toBe(0);
  });

  it.each(['-1', 'lots', '1.5'])('refuses VKP_UNVERIFIED_LOG_PER_MINUTE=%s with a message naming the variable', (value) => {
    expect(() => loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE: value })).toThrowError(/^VKP_UNVERIFIED_LOG_PER_MINUTE: /);
  });
});
