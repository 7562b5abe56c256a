/**
 * `vk-payments sign`: the canonical string VK hashes and the signature, for debugging a handler that
 * disagrees with VK (docs/protocol.md §2). The secret is masked in everything printed.
 */
import { canonicalString, computeSig, verifySig } from '../notifications/signature.js';
import { parseForm } from '../notifications/form.js';
import type { Print } from './simulate.js';

export function maskSecret(secret: string): string {
  return `${'•'.repeat(Math.max(4, secret.length - 4))}${secret.slice(-4)}`;
}

/** `body` is a form body (`a=1&b=2`); `pairs` are extra `name=value` arguments. Returns the exit code. */
export function sign(body: string | undefined, pairs: string[], secret: string, print: Print): number {
  const form = parseForm([body ?? '', ...pairs.map((p) => new URLSearchParams(p).toString())].filter(Boolean).join('&'));
  if (!form.ok) {
    print(`✗ ${form.reason}`);
    return 2;
  }
  const params = form.params;
  print(`canonical string: ${canonicalString(params)}${maskSecret(secret)}`);
  print(`sig:              ${computeSig(params, secret)}`);
  if (params.sig !== undefined) {
    print(verifySig(params, secret) ? '✓ the given sig matches' : `✗ the given sig ${params.sig} does not match`);
    return verifySig(params, secret) ? 0 : 1;
  }
  return 0;
}
