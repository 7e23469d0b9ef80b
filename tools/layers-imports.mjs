// Reading one source's imports for the layer check (tools/layers.mjs). The sources are read by
// TypeScript's own scanner and binder (the linter's TypeScript 5 in tools/lint; the native compiler
// the project builds with has no JavaScript API), so comments, strings holding `/*`,
// `import x = require()`, unspaced `import{a}from'b'`, `import()` and the scope of a name read as
// the compiler reads them.
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

/**
 * The module specifiers a source names (static, type-only, re-exports, `import = require`,
 * `require()`, `import()`, `typeof import()`), and the dynamic imports whose target is computed
 * (a template with substitutions, a variable): those cannot be checked, so they are refused.
 */
export function parseImports(fileName, text) {
  const t = ts();
  const specs = t.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const literal = new Set(specs);
  const computed = [];
  /** Specifiers reached only through a constant: loaded at run time, out of a bundler's sight. */
  const runtimeOnly = [];
  const source = t.createSourceFile(fileName, text, t.ScriptTarget.Latest, true);
  // `const name = 'ws'; import(name)` (kept from bundlers on purpose) names a constant: followed,
  // through the declaration that binds the name at the call. The checker is built only when needed.
  let checker;
  const visit = (node) => {
    if (t.isCallExpression(node)) {
      const dynamic = node.expression.kind === t.SyntaxKind.ImportKeyword;
      const required = t.isIdentifier(node.expression) && node.expression.text === 'require';
      const [arg] = node.arguments;
      const named = (dynamic || required) && arg && t.isIdentifier(arg);
      const constant = named ? constantSpecifier(t, (checker ??= checkerFor(source)), arg) : undefined;
      if (constant !== undefined) {
        specs.push(constant);
        if (!literal.has(constant)) runtimeOnly.push(constant);
      } else if ((dynamic || required) && !(arg && t.isStringLiteralLike(arg))) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        computed.push(`${line + 1}: ${node.getText(source).slice(0, 60)}`);
      }
    }
    t.forEachChild(node, visit);
  };
  visit(source);
  return { specs, computed, runtimeOnly };
}
