import { describe, expect, it } from 'vitest';
import { checkLaunch, launchSign, signedString } from './launch-params.js';

// VK's worked example (docs/protocol.md §9): this query string, this key, this `sign`.
const SIGNED =
  'vk_access_token_settings=&vk_app_id=51234567&vk_are_notifications_enabled=0&vk_is_app_user=1&vk_is_favorite=0&vk_language=ru&vk_platform=mobile_web&vk_ref=other&vk_ts=1796150000&vk_user_id=100200300';
const KEY = 'LaunchParamsKey0123ab';
const SIGN = 'sKnE0v63MAQJs2hC0hWenQzFN_mMkYsL7SDqFoq1oWM';
const NOW = new Date(1796150000 * 1000 + 60_000);

/** The launch string as a mini app sees it: VK's order, not sorted, with parameters VK does not sign. */
const launch = (extra = '', sign = SIGN): string =>
  `vk_user_id=100200300&vk_ts=1796150000&vk_ref=other&vk_platform=mobile_web&vk_language=ru&vk_is_favorite=0&vk_is_app_user=1&vk_are_notifications_enabled=0&vk_app_id=51234567&vk_access_token_settings=${extra}&sign=${sign}`;

describe('VK launch parameters', () => {
  it('signs the sorted vk_ pairs as VK does: the worked example gives its sign', () => {
    const params = Object.fromEntries(new URLSearchParams(SIGNED));
    expect(signedString(params)).toBe(SIGNED);
    expect(launchSign(params, KEY)).toBe(SIGN);
  });

  it('accepts the example in any order, with parameters that are not vk_ added, and says who launched it', () => {
    expect(checkLaunch(`${launch()}&utm_source=feed&odr_enabled=1`, { current: KEY }, NOW)).toMatchObject({
      ok: true,
      vkAppId: 51234567,
      vkUserId: 100200300,
      signedWith: 'current',
    });
  });

  it('refuses a changed user id, app id or any signed value, and a sign of another key', () => {
    expect(checkLaunch(launch().replace('vk_user_id=100200300', 'vk_user_id=100200301'), { current: KEY }, NOW)).toEqual({
      ok: false,
      reason: 'badSignature',
    });
    expect(checkLaunch(launch().replace('vk_is_app_user=1', 'vk_is_app_user=0'), { current: KEY }, NOW)).toEqual({
      ok: false,
      reason: 'badSignature',
    });
    expect(checkLaunch(launch(), { current: 'AnotherKey0123456789' }, NOW)).toEqual({ ok: false, reason: 'badSignature' });
    expect(checkLaunch(launch('', SIGN.slice(0, -1)), { current: KEY }, NOW)).toEqual({ ok: false, reason: 'badSignature' });
  });

  it('takes the previous key only during its overlap', () => {
    const rotated = { current: 'NewLaunchKey987654321', previous: KEY };
    expect(checkLaunch(launch(), { ...rotated, previousValidUntil: new Date(NOW.getTime() + 1000) }, NOW)).toMatchObject({
      ok: true,
      signedWith: 'previous',
    });
    expect(checkLaunch(launch(), { ...rotated, previousValidUntil: new Date(NOW.getTime() - 1000) }, NOW)).toEqual({
      ok: false,
      reason: 'badSignature',
    });
    expect(checkLaunch(launch(), { ...rotated, previousValidUntil: null }, NOW)).toEqual({ ok: false, reason: 'badSignature' });
  });

  it('refuses a string without sign, app or user, and one where a signed parameter or sign repeats', () => {
    expect(checkLaunch(launch().replace(/&sign=.*$/, ''), { current: KEY }, NOW)).toEqual({ ok: false, reason: 'incomplete' });
    expect(checkLaunch('', { current: KEY }, NOW)).toEqual({ ok: false, reason: 'incomplete' });
    expect(checkLaunch(`${launch()}&vk_user_id=1`, { current: KEY }, NOW)).toEqual({ ok: false, reason: 'ambiguous' });
    expect(checkLaunch(`${launch()}&sign=${SIGN}`, { current: KEY }, NOW)).toEqual({ ok: false, reason: 'ambiguous' });
    // A user id no double holds exactly is not one VK sends (and would compare equal to another user's).
    const huge = { vk_app_id: '51234567', vk_user_id: '9007199254740993' };
    const search = `vk_app_id=51234567&vk_user_id=9007199254740993&sign=${launchSign(huge, KEY)}`;
    expect(checkLaunch(search, { current: KEY }, NOW)).toEqual({ ok: false, reason: 'incomplete' });
  });

  it('bounds the age of vk_ts only when a maximum is set, and only after the signature holds', () => {
    const later = new Date(1796150000 * 1000 + 3_600_000);
    expect(checkLaunch(launch(), { current: KEY }, later)).toMatchObject({ ok: true });
    expect(checkLaunch(launch(), { current: KEY }, later, 7200)).toMatchObject({ ok: true });
    expect(checkLaunch(launch(), { current: KEY }, later, 1800)).toEqual({ ok: false, reason: 'expired' });
    // From more than five minutes ahead of our clock: not a real launch.
    expect(checkLaunch(launch(), { current: KEY }, new Date(1796150000 * 1000 - 600_000), 1800)).toEqual({ ok: false, reason: 'expired' });
    // A forged string never learns whether its vk_ts would have passed.
    expect(checkLaunch(launch('', 'x'.repeat(43)), { current: KEY }, later, 1800)).toEqual({ ok: false, reason: 'badSignature' });
  });
});
