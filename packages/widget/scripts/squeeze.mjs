/**
 * Template text squeezed before bundling: what makes a Lit bundle fat is the source's indentation
 * inside html`…` and css`…`. Used by bundle.mjs as an esbuild plugin.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** Minifies the CSS inside css`…` templates (no `${}` in ours): comments and spaces around punctuation. */
export function minifyCss(css) {
  return (
    css
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      // Not around + - ~ (calc() needs them spaced) nor before ':' (a descendant `a :hover` differs from `a:hover`).
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      .trim()
  );
}

/**
 * Template text as written carries the source's indentation: most of a Lit bundle's fat. In every
 * template literal of our sources, a run of white space that holds a line break becomes one space —
 * what HTML renders it as anyway (our <pre> and <textarea> contents come from expressions, never from
 * template text), and harmless in GraphQL documents. Found with TypeScript's parser, not a regex, so
 * `${…}` expressions and nested templates are left alone. css`…` templates are minified further.
 */
export function squeezeTemplates(fileName, source) {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const edits = [];
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText(file) === 'css' && ts.isNoSubstitutionTemplateLiteral(node.template)) {
      edits.push([node.template.getStart(file) + 1, node.template.getEnd() - 1, minifyCss(node.template.text)]);
      return;
    }
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const start = node.getStart(file) + 1; // after ` or }
      const end = node.getEnd() - (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) ? 2 : 1); // before ${ or `
      const raw = source.slice(start, end);
      const squeezed = raw.replace(/\s*\n\s*/g, ' ');
      if (squeezed !== raw) edits.push([start, end, squeezed]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/** esbuild plugin: our sources' templates squeezed before bundling. */
export const templates = {
  name: 'squeeze-templates',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => ({
      contents: squeezeTemplates(args.path, readFileSync(args.path, 'utf8')),
      loader: 'ts',
    }));
  },
};
