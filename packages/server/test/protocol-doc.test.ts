/**
 * docs/protocol.md is what integrators copy when their own handler and VK disagree, so its worked
 * signature examples must be the ones this server computes: each body, read as a form, signs to the
 * `sig` the page gives, and the signed string the page shows is the one we hash.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalString, computeSig, verifySig } from '../src/notifications/signature.js';

const page = readFileSync(fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url)), 'utf8');
const examples = page.slice(page.indexOf('### Worked examples'), page.indexOf('## 3.'));
const secret = /The secret is `([^`]+)`/.exec(examples)?.[1] ?? '';

/** Each numbered example: its body, the signed string when shown, and the `sig` it gives. */
const cases = examples
  .split(/^\d+\. /m)
  .slice(1)
  .map((text) => {
    const code = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    return {
      body: code.find((c) => c.includes('&notification_type=')) ?? '',
      canonical: code.find((c) => c.includes('notification_type=') && !c.includes('&')),
      sig: /`sig` = `([0-9a-f]{32})`/.exec(text)?.[1] ?? '',
    };
  });

describe('the signature examples of docs/protocol.md §2', () => {
  it('are on the page, with their secret', () => {
    expect(secret).not.toBe('');
    expect(cases).toHaveLength(2);
  });

  it.each(cases.map((c, i) => [i + 1, c] as const))('example %i signs to the sig the page gives', (_n, { body, canonical, sig }) => {
    const params = Object.fromEntries(new URLSearchParams(body));
    if (canonical !== undefined) expect(canonicalString(params)).toBe(canonical);
    expect(computeSig(params, secret)).toBe(sig);
    expect(verifySig({ ...params, sig }, secret)).toBe(true);
  });
});
