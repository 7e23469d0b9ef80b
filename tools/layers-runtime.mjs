// Which of a source's imports load code at run time, for the edges the layer check allows for types
// only (TYPE_ONLY_EDGES in tools/layers.mjs). Read with the same TypeScript as layers-imports.mjs.
import { ts } from './layers-imports.mjs';

const allTypeOnly = (elements) => elements.length > 0 && elements.every((e) => e.isTypeOnly);

/**
 * The specifiers a source loads at run time: every one it names (`specs`, from parseImports) but
 * those it names only in type-only forms. A name bound to a `const` string passed to `import()` or
 * `require()` counts as loaded, whatever its scope: erring towards "runs" can only refuse more.
 */
export function runtimeSpecifiers(fileName, text, specs) {
  const t = ts();
  const source = t.createSourceFile(fileName, text, t.ScriptTarget.Latest, true);
  const typeOnly = new Set();
  const value = new Set();
  const constants = new Map();
  const named = [];
  const note = (spec, types) => spec && t.isStringLiteralLike(spec) && (types ? typeOnly : value).add(spec.text);
  const visit = (node) => {
    if (t.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const types =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!bindings && t.isNamedImports(bindings) && allTypeOnly(bindings.elements)));
      note(node.moduleSpecifier, types);
    } else if (t.isExportDeclaration(node)) {
      const clause = node.exportClause;
      note(
        node.moduleSpecifier,
        node.isTypeOnly || (!!clause && t.isNamedExports(clause) && allTypeOnly(clause.elements)),
      );
    } else if (t.isImportEqualsDeclaration(node) && t.isExternalModuleReference(node.moduleReference)) {
      note(node.moduleReference.expression, node.isTypeOnly);
    } else if (t.isImportTypeNode(node) && t.isLiteralTypeNode(node.argument)) {
      note(node.argument.literal, true);
    } else if (t.isCallExpression(node)) {
      const loads =
        node.expression.kind === t.SyntaxKind.ImportKeyword ||
        (t.isIdentifier(node.expression) && node.expression.text === 'require');
      const [arg] = node.arguments;
      if (loads && arg && t.isIdentifier(arg)) named.push(arg.text);
      else if (loads) note(arg, false);
    } else if (t.isVariableDeclaration(node) && t.isIdentifier(node.name) && node.initializer) {
      if (t.isStringLiteralLike(node.initializer)) constants.set(node.name.text, node.initializer.text);
    }
    t.forEachChild(node, visit);
  };
  visit(source);
  for (const name of named) if (constants.has(name)) value.add(constants.get(name));
  return specs.filter((spec) => value.has(spec) || !typeOnly.has(spec));
}
