// Reading one source's imports for the layer check (tools/layers.mjs). The sources are parsed into
// TypeScript's own syntax tree and bound by its binder (the linter's TypeScript 5 in tools/lint; the
// native compiler the project builds with has no JavaScript API), so comments, strings holding `/*`,
// a backtick in a regular expression or in JSX text, unspaced `import{a}from'b'` and the scope of a
// name read as the compiler reads them. (A token scanner such as `ts.preProcessFile` does not: one
// stray backtick makes it take the rest of the file for a template and miss every import after it.)
import { createRequire } from 'node:module';

const requireFromLint = createRequire(new URL('lint/package.json', import.meta.url));
let typescript;
export function ts() {
  if (!typescript) {
    try {
      typescript = requireFromLint('typescript');
    } catch {
      throw new Error('tools/layers.mjs reads sources with the TypeScript of tools/lint: run `npm run lint:install`');
    }
  }
  return typescript;
}

/**
 * A type checker over this one file alone (no lib, no imports followed): enough for the binder's
 * scopes, so a name resolves to the declaration the compiler would pick (the nearest enclosing
 * one, parameters and `var` hoisting included), never to a same-named constant elsewhere.
 */
function checkerFor(source) {
  const t = ts();
  const host = {
    getSourceFile: (name) => (name === source.fileName ? source : undefined),
    fileExists: (name) => name === source.fileName,
    readFile: () => undefined,
    writeFile: () => {},
    getDefaultLibFileName: () => 'lib.d.ts',
    getCurrentDirectory: () => '',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
  };
  const options = { noLib: true, noResolve: true, allowJs: true, types: [] };
  return t.createProgram({ rootNames: [source.fileName], options, host }).getTypeChecker();
}

/** The specifier a name stands for, if it is bound (where it is used) to a `const` holding a string literal. */
function constantSpecifier(t, checker, name) {
  const symbol = checker.getSymbolAtLocation(name);
  const declaration = symbol?.declarations?.length === 1 ? symbol.declarations[0] : undefined;
  const isConstString =
    declaration &&
    t.isVariableDeclaration(declaration) &&
    t.isIdentifier(declaration.name) &&
    declaration.initializer &&
    t.isStringLiteralLike(declaration.initializer) &&
    t.getCombinedNodeFlags(declaration) & t.NodeFlags.Const;
  return isConstString ? declaration.initializer.text : undefined;
}

/** How TypeScript must parse a file: JSX only in .tsx/.jsx (in .ts, `<T>x` is a cast), JavaScript for .js. */
function scriptKindOf(t, fileName) {
  if (/\.tsx$/.test(fileName)) return t.ScriptKind.TSX;
  if (/\.jsx$/.test(fileName)) return t.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return t.ScriptKind.JS;
  return t.ScriptKind.TS;
}

/** `import.meta.<name>` */
const isImportMeta = (t, node, name) =>
  t.isPropertyAccessExpression(node) &&
  node.name.text === name &&
  t.isMetaProperty(node.expression) &&
  node.expression.keywordToken === t.SyntaxKind.ImportKeyword;

/**
 * The module specifiers a source names, and what it names in a way that cannot be checked (a
 * template with substitutions, a variable): those are refused. Read from the syntax tree:
 *   - `import … from`, `import type`, side-effect `import '…'`, `export … from` (`export *`,
 *     `export type`), `import x = require('…')`, `require('…')`, `import('…')` (a string, a template
 *     without substitutions, or a `const` holding a string), `typeof import('…')` and other import types;
 *   - `/// <reference path="…"/>` (a file, relative to this one) and `/// <reference types="…"/>` (a package);
 *   - `declare module '…' { … }` in a module: an augmentation, which TypeScript resolves and merges
 *     into that module, so it depends on it. In a script the same text declares an ambient module
 *     rather than naming one (and may not be relative), so it is not an import; imports inside either count;
 *   - in JavaScript only, JSDoc `@import` tags and `import('…')` types (TypeScript reads JSDoc types
 *     only there).
 * `vite` holds the two forms Vite resolves when it bundles a file (`new URL('…', import.meta.url)`,
 * `import.meta.glob('…')`): the layer check counts them only where Vite bundles (tools/layers.mjs),
 * since under Node the first is a file read at run time and the second does not exist.
 */
export function parseImports(fileName, text) {
  const t = ts();
  const source = t.createSourceFile(fileName, text, t.ScriptTarget.Latest, true, scriptKindOf(t, fileName));
  const isJs = /\.[cm]?jsx?$/.test(fileName);
  const specs = [];
  const computed = [];
  /** Specifiers reached through a constant (`const name = 'ws'; import(name)`): loaded at run time,
   * out of a bundler's sight, unless also imported plainly. */
  const constants = [];
  const vite = { urls: [], globs: [], computed: [] };
  const where = (node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    return `${line + 1}: ${node.getText(source).slice(0, 60)}`;
  };
  for (const ref of source.referencedFiles)
    specs.push(/^\.{0,2}\//.test(ref.fileName) ? ref.fileName : `./${ref.fileName}`);
  for (const ref of source.typeReferenceDirectives) specs.push(ref.fileName);
  // A name's binding is followed by a type checker over this one file, built only when needed.
  let checker;
  const visitCall = (node) => {
    const dynamic = node.expression.kind === t.SyntaxKind.ImportKeyword;
    const required = t.isIdentifier(node.expression) && node.expression.text === 'require';
    const [arg] = node.arguments;
    if (dynamic || required) {
      const constant =
        arg && t.isIdentifier(arg) ? constantSpecifier(t, (checker ??= checkerFor(source)), arg) : undefined;
      if (arg && t.isStringLiteralLike(arg)) specs.push(arg.text);
      else if (constant !== undefined) constants.push(constant);
      else computed.push(where(node));
    } else if (isImportMeta(t, node.expression, 'glob')) {
      const patterns = arg && t.isArrayLiteralExpression(arg) ? arg.elements : [arg];
      if (patterns.every((p) => p && t.isStringLiteralLike(p))) vite.globs.push(...patterns.map((p) => p.text));
      else vite.computed.push(where(node));
    }
  };
  const visit = (node) => {
    if ((t.isImportDeclaration(node) || t.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (t.isStringLiteralLike(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    } else if (t.isExternalModuleReference(node) && t.isStringLiteralLike(node.expression)) {
      specs.push(node.expression.text);
    } else if (t.isImportTypeNode(node) && t.isLiteralTypeNode(node.argument)) {
      if (t.isStringLiteralLike(node.argument.literal)) specs.push(node.argument.literal.text);
    } else if (t.isModuleDeclaration(node) && t.isStringLiteral(node.name) && t.isExternalModule(source)) {
      specs.push(node.name.text);
    } else if (t.isJSDocImportTag?.(node) && t.isStringLiteralLike(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (t.isCallExpression(node)) {
      visitCall(node);
    } else if (t.isNewExpression(node) && t.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [url, base] = node.arguments ?? [];
      if (base && isImportMeta(t, base, 'url')) {
        if (t.isStringLiteralLike(url)) vite.urls.push(url.text);
        else vite.computed.push(where(node));
      }
    }
    if (isJs) for (const doc of node.jsDoc ?? []) visit(doc);
    t.forEachChild(node, visit);
  };
  visit(source);
  const literal = new Set(specs);
  const runtimeOnly = constants.filter((c) => !literal.has(c));
  return { specs: [...specs, ...constants], computed, runtimeOnly, vite };
}
