/**
 * The repository stands alone: someone who clones it can follow every reference in it. No tracked file
 * cites notes kept outside the repository, and every relative link in a Markdown file resolves to a file
 * inside it (the protocol lives in docs/protocol.md, the design in ARCHITECTURE.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every file git tracks, plus new ones not ignored: what a clone (or the next commit) holds. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return [...new Set(out.split('\0').filter((path) => path !== ''))].filter((path) => existsSync(join(root, path)));
}

/** Names of the team's private notes; spelled apart so that this file does not cite them itself. */
const NOTES = ['PROTOCOL', 'DESIGN', 'STACK', 'STYLE'];
const NOTE_CITATION = new RegExp(`\\b(${NOTES.join('|')})\\.md\\b`);

/** Where a file mentions one of the notes, as `path:line: text`. */
function noteCitations(path: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (NOTE_CITATION.test(line) ? [`${path}:${i + 1}: ${line.trim().slice(0, 160)}`] : []));
}

/** The link targets of a Markdown text, outside code blocks and code spans. */
function markdownLinks(text: string): string[] {
  const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)].map((m) => m[1]!);
  const html = [...prose.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  return [...inline, ...references, ...html];
}

/** Why a link from `from` (a repository path) is broken, or null when it resolves inside the repository. */
function brokenLink(from: string, target: string, exists: (path: string) => boolean): string | null {
  if (target.startsWith('#')) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return /^(https?|mailto):/i.test(target) ? null : 'not a public URL';
  const path = decodeURIComponent(target.replace(/[?#].*$/, ''));
  const absolute = path.startsWith('/') ? join(root, path) : resolve(root, dirname(from), path);
  const inside = relative(root, absolute);
  if (inside === '..' || inside.startsWith(`..${sep}`) || resolve(inside) === inside) return 'leaves the repository';
  return exists(inside) ? null : 'no such file';
}

describe('the repository stands alone', () => {
  const files = repoFiles();

  it('cites no notes kept outside the repository, in any file', () => {
    const textFiles = files.filter((path) => !/\.(png|jpe?g|gif|ico|woff2?|sqlite)$/i.test(path));
    const hits = textFiles.flatMap((path) => noteCitations(path, readFileSync(join(root, path), 'utf8')));
    expect(hits).toEqual([]);
  });

  it('has no Markdown link that leaves the repository or points at a missing file', () => {
    const present = new Set(files);
    const exists = (path: string): boolean => present.has(path) || files.some((file) => file.startsWith(`${path}/`));
    const broken = files
      .filter((path) => path.endsWith('.md'))
      .flatMap((path) =>
        markdownLinks(readFileSync(join(root, path), 'utf8')).flatMap((target) => {
          const why = brokenLink(path, target, exists);
          return why === null ? [] : [`${path}: ${target} (${why})`];
        }),
      );
    expect(broken).toEqual([]);
  });

  it('finds the mistakes it guards against', () => {
    const cited = `see ${NOTES[0]}.md §2`;
    expect(noteCitations('a.ts', cited)).toHaveLength(1);
    expect(noteCitations('a.ts', 'see docs/protocol.md §2 and ARCHITECTURE.md §2')).toEqual([]);
    const md = '[out](../shared/x.md) [gone](docs/none.md) [ok](SECURITY.md#x) [web](https://dev.vk.com)\n```\n[code](../x)\n```\n';
    const exists = (path: string): boolean => path === 'SECURITY.md';
    expect(markdownLinks(md).map((target) => [target, brokenLink('README.md', target, exists)])).toEqual([
      ['../shared/x.md', 'leaves the repository'],
      ['docs/none.md', 'no such file'],
      ['SECURITY.md#x', null],
      ['https://dev.vk.com', null],
    ]);
  });
});
