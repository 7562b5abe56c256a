import { describe, expect, it } from 'vitest';
import { MAX_MINI_APP_ORIGINS, miniAppOriginsSchema, normalizeOrigin, originAllowed } from './mini-app-origins.js';

describe('mini-app origins as an operator types them', () => {
  it.each([
    ['https://Game.Example.com', 'https://game.example.com'],
    ['  https://game.example.com/  ', 'https://game.example.com'],
    ['https://game.example.com:443', 'https://game.example.com'],
    ['https://game.example.com:8443', 'https://game.example.com:8443'],
    ['https://пример.рф', 'https://xn--e1afmkfd.xn--p1ai'],
    ['http://localhost:10888', 'http://localhost:10888'],
    ['http://127.0.0.1:5173', 'http://127.0.0.1:5173'],
    ['https://*.pages-ac.VK-apps.com', 'https://*.pages-ac.vk-apps.com'],
    ['https://*.example.com:8443/', 'https://*.example.com:8443'],
  ])('stores %j as %j', (input, origin) => {
    expect(normalizeOrigin(input)).toEqual({ ok: true, origin });
  });

  it.each([
    ['game.example.com', 'invalidUrl'],
    ['ftp://game.example.com', 'invalidUrl'],
    ['https://', 'invalidUrl'],
    ['https://game.example.com/app', 'originHasPath'],
    ['https://game.example.com/?vk_app_id=1', 'originHasPath'],
    ['https://game.example.com#x', 'originHasPath'],
    ['https://user:pw@game.example.com', 'urlCredentials'],
    ['http://game.example.com', 'originNotHttps'],
    ['http://*.example.com', 'originNotHttps'],
    ['https://*.com', 'originWildcard'],
    ['https://*', 'originWildcard'],
    ['https://a.*.example.com', 'originWildcard'],
    ['https://*game.example.com', 'originWildcard'],
    ['https://*.*.example.com', 'originWildcard'],
    ['https://*.10.0.0.1', 'originWildcard'],
  ])('refuses %j (%s)', (input, refusal) => {
    expect(normalizeOrigin(input)).toEqual({ ok: false, refusal });
  });

  it('takes a list without duplicates, at most 20 entries of at most 255 characters, naming the entry at fault', () => {
    expect(miniAppOriginsSchema.parse(['https://a.example', 'https://A.example/', 'http://localhost:3000'])).toEqual([
      'https://a.example',
      'http://localhost:3000',
    ]);
    const tooMany = Array.from({ length: MAX_MINI_APP_ORIGINS + 1 }, (_, i) => `https://a${i}.example`);
    expect(miniAppOriginsSchema.safeParse(tooMany).success).toBe(false);
    const long = miniAppOriginsSchema.safeParse(['https://a.example', `https://${'a'.repeat(250)}.example`]);
    expect(long.error?.issues[0]).toMatchObject({ code: 'too_big', path: [1] });
    const path = miniAppOriginsSchema.safeParse(['https://a.example', 'https://b.example/app']);
    expect(path.error?.issues[0]).toMatchObject({ path: [1], params: { reason: 'notAllowed', rule: 'originHasPath' } });
  });
});

describe("a browser's Origin against an app's list", () => {
  const list = ['https://game.example.com', 'http://localhost:10888', 'https://*.pages-ac.vk-apps.com'];

  it.each([
    ['https://game.example.com', true],
    ['http://localhost:10888', true],
    ['https://prod-app51234567-1a2b3c.pages-ac.vk-apps.com', true],
    ['https://a.b.pages-ac.vk-apps.com', true],
    ['https://pages-ac.vk-apps.com', false],
    ['https://evilpages-ac.vk-apps.com', false],
    ['http://prod-app1.pages-ac.vk-apps.com', false],
    ['https://prod-app1.pages-ac.vk-apps.com:8443', false],
    ['https://game.example.com.evil.example', false],
    ['http://game.example.com', false],
    ['http://localhost:10889', false],
    ['null', false],
  ])('%s → %s', (origin, allowed) => {
    expect(originAllowed(list, origin)).toBe(allowed);
  });
});
