// What the documentation must agree with, read from the TypeScript sources themselves (syntax
// only: a full type-checked program would cost seconds, and the shapes read here are plain).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function interfaces(source: ts.SourceFile): Map<string, ts.InterfaceDeclaration> {
  const found = new Map<string, ts.InterfaceDeclaration>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) found.set(statement.name.text, statement);
  }
  return found;
}

function propertyName(member: ts.TypeElement, source: ts.SourceFile): string {
  const name = member.name;
  if (!name) throw new Error(`unnamed member in ${source.fileName}`);
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return name.getText(source);
}

/**
 * One documented option: its dotted path, its declared type as written, whether it is optional,
 * and its doc comment as written (empty when it has none).
 */
export interface OptionPath {
  path: string;
  type: string;
  optional: boolean;
  doc: string;
}

/**
 * Every option path of `BasiqOptions` in core's types.ts: top-level properties, and for a
 * property typed with another `…Options` interface of that file (`retry: RetryOptions`), its
 * properties as `retry.retries` and so on, recursively.
 */
export function optionPaths(): OptionPath[] {
  const source = parse(resolve(ROOT, 'packages/core/src/types.ts'));
  const declared = interfaces(source);
  const walk = (name: string, prefix: string): OptionPath[] => {
    const decl = declared.get(name);
    if (!decl) throw new Error(`interface ${name} not found in types.ts`);
    return decl.members.filter(ts.isPropertySignature).flatMap((member) => {
      const path = prefix + propertyName(member, source);
      const typeNode = member.type;
      if (!typeNode) throw new Error(`option ${path} has no declared type`);
      if (ts.isTypeReferenceNode(typeNode) && ts.isIdentifier(typeNode.typeName)) {
        const nested = typeNode.typeName.text;
        if (nested.endsWith('Options') && declared.has(nested)) return walk(nested, `${path}.`);
      }
      const docs = (member as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
      return [
        {
          path,
          type: typeNode.getText(source).replace(/\s+/g, ' '),
          optional: !!member.questionToken,
          doc: docs.map((d) => d.getText(source)).join('\n'),
        },
      ];
    });
  };
  return walk('BasiqOptions', '');
}

/** The members of the `BasiqErrorCode` union in core's errors.ts. */
export function errorCodes(): string[] {
  const source = parse(resolve(ROOT, 'packages/core/src/errors.ts'));
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement) || statement.name.text !== 'BasiqErrorCode') continue;
    const type = statement.type;
    const members = ts.isUnionTypeNode(type) ? type.types : [type];
    return members.map((member) => {
      if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) {
        throw new Error(`BasiqErrorCode member is not a string literal: ${member.getText(source)}`);
      }
      return member.literal.text;
    });
  }
  throw new Error('type BasiqErrorCode not found in errors.ts');
}

/** The event names of `BasiqEvents` in core's types.ts. */
export function eventNames(): string[] {
  const source = parse(resolve(ROOT, 'packages/core/src/types.ts'));
  const decl = interfaces(source).get('BasiqEvents');
  if (!decl) throw new Error('interface BasiqEvents not found in types.ts');
  return decl.members.filter(ts.isPropertySignature).map((m) => propertyName(m, source));
}

function hasExportModifier(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/** A relative module specifier (`./errors.js`) as the `.ts` file it names. */
function localFile(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, resolve(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

/** Names a module exports (values and types), following `export *` through local files. */
function exportsOf(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const source = parse(file);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const specifier =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      const clause = statement.exportClause;
      if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) names.add(element.name.text);
      } else if (clause && ts.isNamespaceExport(clause)) {
        names.add(clause.name.text);
      } else if (specifier) {
        const target = localFile(file, specifier);
        if (target) for (const name of exportsOf(target, seen)) names.add(name);
      }
      continue;
    }
    if (!hasExportModifier(statement)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) names.add(d.name.text);
        else
          for (const el of d.name.elements)
            if (ts.isBindingElement(el) && ts.isIdentifier(el.name)) names.add(el.name.text);
      }
    } else if (
      (ts.isClassDeclaration(statement) ||
        ts.isFunctionDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/**
 * Everything `@basiq-token/<pkg>` exports, values and types alike; `pkg` may name a subpath entry
 * (`core/axios` is packages/core/src/axios.ts).
 */
export function packageExports(pkg: string): Set<string> {
  const [name, entry] = pkg.split('/');
  const index = resolve(ROOT, 'packages', name!, entry ? `src/${entry}.ts` : 'src/index.ts');
  if (!existsSync(index)) throw new Error(`no package ${pkg}`);
  return exportsOf(index);
}
