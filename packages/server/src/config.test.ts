import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { ConfigError, DEFAULT_SQLITE_PATH, loadConfig } from './config.js';

describe('config from the environment', () => {
  it('defaults to port 8080 on 127.0.0.1 with the embedded SQLite file and the demo app', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', demo: true, logRetentionDays: 90, corsOrigins: [] });
    expect(c.database).toEqual({ dialect: 'sqlite', path: resolve(DEFAULT_SQLITE_PATH) });
  });

  it('selects PostgreSQL for a postgres:// DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/vkp' }).database).toEqual({
      dialect: 'postgresql',
      url: 'postgres://u:p@db:5432/vkp',
    });
  });

  it('sizes each PostgreSQL pool to two connections per core unless VKP_PG_POOL_SIZE says otherwise', () => {
    expect(loadConfig({}).pgPoolSize).toBe(2 * availableParallelism());
    expect(loadConfig({ VKP_PG_POOL_SIZE: '3' }).pgPoolSize).toBe(3);
    expect(() => loadConfig({ VKP_PG_POOL_SIZE: '0' })).toThrow(/^VKP_PG_POOL_SIZE: /);
    expect(() => loadConfig({ VKP_PG_POOL_SIZE: 'many' })).toThrow(/^VKP_PG_POOL_SIZE: /);
  });

  it('reads a list of CORS origins and a public URL without its trailing slash', () => {
    const c = loadConfig({ VKP_CORS_ORIGINS: 'https://a.example, https://b.example', VKP_PUBLIC_URL: 'https://pay.example/' });
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.publicUrl).toBe('https://pay.example');
  });

  it('allows no private address by default, and reads the allowlist of hosts, IPs and CIDRs', () => {
    expect(loadConfig({}).allowPrivateUrls).toEqual([]);
    expect(loadConfig({ VKP_ALLOW_PRIVATE_URLS: ' game-backend.internal, 10.0.0.0/8 ,fd00::/8,[::1], * ' }).allowPrivateUrls).toEqual([
      'game-backend.internal',
      '10.0.0.0/8',
      'fd00::/8',
      '[::1]',
      '*',
    ]);
  });

  it('reads a 32-byte secrets key in base64 (as openssl rand -base64 32 prints it) or base64url; unset by default', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(loadConfig({}).secretsKey).toBeUndefined();
    expect(loadConfig({ VKP_SECRETS_KEY: bytes.toString('base64') }).secretsKey?.bytes).toEqual(bytes);
    expect(loadConfig({ VKP_SECRETS_KEY: `${bytes.toString('base64url')}\n` }).secretsKey?.bytes).toEqual(bytes);
    expect(loadConfig({ VKP_SECRETS_KEY_PREVIOUS: bytes.toString('base64') }).secretsKeyPrevious?.bytes).toEqual(bytes);
  });

  it("runs as production by default: no debug detail, time limits under VK's 10 s deadline, 256 connections per address, no trusted proxy", () => {
    const c = loadConfig({});
    expect(c.debug).toBe(false);
    expect(c.timeouts).toEqual({ requestMs: 10_000, headersMs: 5_000, keepAliveMs: 72_000 });
    expect(c.maxConnectionsPerIp).toBe(256);
    expect(c.trustProxy).toEqual({ kind: 'none' });
  });

  it('reads time limits in seconds (fractions allowed), the connection cap and the debug switch', () => {
    const c = loadConfig({
      VKP_REQUEST_TIMEOUT: '0.5',
      VKP_HEADERS_TIMEOUT: '0.25',
      VKP_KEEPALIVE_TIMEOUT: '3',
      VKP_MAX_CONNECTIONS_PER_IP: '0',
      VKP_DEBUG: '1',
    });
    expect(c.timeouts).toEqual({ requestMs: 500, headersMs: 250, keepAliveMs: 3_000 });
    expect(c.maxConnectionsPerIp).toBe(0);
    expect(c.debug).toBe(true);
  });

  it('drains 3 s after SIGTERM by default (the shipped HAProxy example: 1 s checks × 2 falls + 1 s), in seconds, 0 for none', () => {
    expect(loadConfig({}).drainDelayMs).toBe(3_000);
    expect(loadConfig({ VKP_DRAIN_DELAY: '0' }).drainDelayMs).toBe(0);
    expect(loadConfig({ VKP_DRAIN_DELAY: '0.5' }).drainDelayMs).toBe(500);
    expect(loadConfig({ VKP_DRAIN_DELAY: '12' }).drainDelayMs).toBe(12_000);
  });

  it.each([
    ['', { kind: 'none' }],
    ['false', { kind: 'none' }],
    ['true', { kind: 'all' }],
    ['2', { kind: 'hops', hops: 2 }],
    ['10.0.0.1, 192.168.0.0/16,::1, fd00::/8', { kind: 'addresses', addresses: ['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8'] }],
  ])('reads VKP_TRUST_PROXY=%j', (value, expected) => {
    expect(loadConfig({ VKP_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ VKP_DEBUG: 'yes' }, /^VKP_DEBUG: /],
    [{ VKP_REQUEST_TIMEOUT: '0' }, /^VKP_REQUEST_TIMEOUT: /],
    [{ VKP_HEADERS_TIMEOUT: 'soon' }, /^VKP_HEADERS_TIMEOUT: /],
    [{ VKP_REQUEST_TIMEOUT: '2', VKP_HEADERS_TIMEOUT: '3' }, /^VKP_HEADERS_TIMEOUT: must not be longer than VKP_REQUEST_TIMEOUT/],
    [{ VKP_KEEPALIVE_TIMEOUT: '-1' }, /^VKP_KEEPALIVE_TIMEOUT: /],
    [{ VKP_MAX_CONNECTIONS_PER_IP: '1.5' }, /^VKP_MAX_CONNECTIONS_PER_IP: /],
    [{ VKP_DRAIN_DELAY: '-1' }, /^VKP_DRAIN_DELAY: must be 0 or more seconds/],
    [{ VKP_DRAIN_DELAY: 'soon' }, /^VKP_DRAIN_DELAY: /],
    [{ VKP_DRAIN_DELAY: '3000' }, /^VKP_DRAIN_DELAY: must be at most 300 seconds/],
    [{ VKP_TRUST_PROXY: '10.0.0.0/33' }, /^VKP_TRUST_PROXY: /],
    [{ VKP_TRUST_PROXY: 'proxy.local' }, /^VKP_TRUST_PROXY: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: /],
    [{ VKP_ADMIN_TOKEN: 'short' }, /^VKP_ADMIN_TOKEN: must be at least 16 characters/],
    [{ VKP_PUBLIC_URL: 'not a url' }, /^VKP_PUBLIC_URL: /],
    [{ VKP_LOG_RETENTION_DAYS: '0' }, /^VKP_LOG_RETENTION_DAYS: /],
    [{ VKP_DEMO: 'yes' }, /^VKP_DEMO: /],
    [{ VKP_ALLOW_PRIVATE_URLS: '10.0.0.0/33' }, /^VKP_ALLOW_PRIVATE_URLS: "10.0.0.0\/33" is not a valid CIDR/],
    [{ VKP_ALLOW_PRIVATE_URLS: '127.0.0.1, 10.0.0/8' }, /^VKP_ALLOW_PRIVATE_URLS: "10.0.0\/8" is not a valid CIDR/],
    [{ VKP_ALLOW_PRIVATE_URLS: '2130706433' }, /^VKP_ALLOW_PRIVATE_URLS: "2130706433" is neither an IP address/],
    [{ VKP_ALLOW_PRIVATE_URLS: 'http://10.0.0.5/' }, /^VKP_ALLOW_PRIVATE_URLS: /],
    [
      { VKP_SECRETS_KEY: Buffer.alloc(16, 1).toString('base64') },
      /^VKP_SECRETS_KEY: must be 32 bytes in base64; make one with: openssl rand -base64 32/,
    ],
    [{ VKP_SECRETS_KEY: Buffer.alloc(33, 1).toString('base64') }, /^VKP_SECRETS_KEY: must be 32 bytes in base64/],
    [{ VKP_SECRETS_KEY: 'not a key, not base64 at all!!!!!!!!!!!!!!!!' }, /^VKP_SECRETS_KEY: must be 32 bytes in base64/],
    [{ VKP_SECRETS_KEY: '' }, /^VKP_SECRETS_KEY: must be 32 bytes in base64/],
    [{ VKP_SECRETS_KEY_PREVIOUS: 'c2hvcnQ=' }, /^VKP_SECRETS_KEY_PREVIOUS: must be 32 bytes in base64/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(message);
  });
});

describe('the mini app API', () => {
  it('accepts launch strings of any age unless VKP_LAUNCH_PARAMS_MAX_AGE is set, in whole seconds', () => {
    expect(loadConfig({}).miniApp.launchParamsMaxAgeSeconds).toBeNull();
    expect(loadConfig({ VKP_LAUNCH_PARAMS_MAX_AGE: '86400' }).miniApp.launchParamsMaxAgeSeconds).toBe(86_400);
  });

  it('allows 120 requests per minute per VK user and 60 refusals per minute per address unless told otherwise (0: none)', () => {
    expect(loadConfig({}).miniApp).toMatchObject({ perUserPerMinute: 120, refusalsPerIpPerMinute: 60 });
    expect(loadConfig({ VKP_MINI_APP_RATE_LIMIT: '0', VKP_MINI_APP_REFUSALS_PER_IP: '5' }).miniApp).toMatchObject({
      perUserPerMinute: 0,
      refusalsPerIpPerMinute: 5,
    });
  });

  it.each([
    [{ VKP_LAUNCH_PARAMS_MAX_AGE: '0' }, /^VKP_LAUNCH_PARAMS_MAX_AGE: must be at least 1 second/],
    [{ VKP_LAUNCH_PARAMS_MAX_AGE: '1.5' }, /^VKP_LAUNCH_PARAMS_MAX_AGE: must be a whole number of seconds/],
    [{ VKP_LAUNCH_PARAMS_MAX_AGE: 'a day' }, /^VKP_LAUNCH_PARAMS_MAX_AGE: /],
    [{ VKP_MINI_APP_RATE_LIMIT: '-1' }, /^VKP_MINI_APP_RATE_LIMIT: /],
    [{ VKP_MINI_APP_REFUSALS_PER_IP: 'many' }, /^VKP_MINI_APP_REFUSALS_PER_IP: /],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(message);
  });
});

describe('the log budget of unverified notifications', () => {
  it('logs at most 60 per app and minute unless told otherwise (0: no cap)', () => {
    expect(loadConfig({}).unverifiedLogPerMinute).toBe(60);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE: '5' }).unverifiedLogPerMinute).toBe(5);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE: '0' }).unverifiedLogPerMinute).toBe(0);
  });

  it('logs at most 120 of all apps together per minute unless told otherwise (0: no cap)', () => {
    expect(loadConfig({}).unverifiedLogPerMinuteTotal).toBe(120);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL: '1000' }).unverifiedLogPerMinuteTotal).toBe(1000);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL: '0' }).unverifiedLogPerMinuteTotal).toBe(0);
  });

  it('keeps unverified rows 7 days unless told otherwise, never longer than the log itself', () => {
    expect(loadConfig({}).unverifiedLogRetentionDays).toBe(7);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_RETENTION_DAYS: '30' }).unverifiedLogRetentionDays).toBe(30);
    expect(loadConfig({ VKP_UNVERIFIED_LOG_RETENTION_DAYS: '30', VKP_LOG_RETENTION_DAYS: '10' }).unverifiedLogRetentionDays).toBe(10);
  });

  it.each([
    ['VKP_UNVERIFIED_LOG_PER_MINUTE', '-1'],
    ['VKP_UNVERIFIED_LOG_PER_MINUTE', 'lots'],
    ['VKP_UNVERIFIED_LOG_PER_MINUTE', '1.5'],
    ['VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL', '-1'],
    ['VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL', 'lots'],
    ['VKP_UNVERIFIED_LOG_PER_MINUTE_TOTAL', '2.5'],
    ['VKP_UNVERIFIED_LOG_RETENTION_DAYS', '0'],
    ['VKP_UNVERIFIED_LOG_RETENTION_DAYS', '-7'],
    ['VKP_UNVERIFIED_LOG_RETENTION_DAYS', 'week'],
    ['VKP_UNVERIFIED_LOG_RETENTION_DAYS', '1.5'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrowError(new RegExp(`^${name}: `));
  });
});
