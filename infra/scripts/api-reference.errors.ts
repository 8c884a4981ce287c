/**
 * The catalogue of error codes a client can receive, read from the code itself with the TypeScript checker: every
 * `new DomainRuleViolation(code, message, field)`, every `extensions: { code }` of a GraphQL error and every
 * `params: { code }` of a validation schema, with codes resolved through constants and string-literal unions, and
 * through functions that pass their parameters on (such as a local `violation(code, message)`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

export interface ErrorCode {
  readonly code: string;
  /** The messages that come with it, as written (run-time parts shown as …). */
  readonly messages: readonly string[];
  /** Where it is raised: a service, the gateway, or a shared library. */
  readonly places: readonly string[];
}

export interface ErrorCatalogue {
  readonly codes: readonly ErrorCode[];
  /** Places whose code could not be read statically (file:line). */
  readonly unresolved: readonly string[];
}

const SOURCE_ROOTS = /^(services\/[^/]+|libs\/(?!testing)[^/]+|gateway)\/src\//;
const SKIPPED = /(\.spec\.ts|\/schema\.types\.ts|\.d\.ts)$/;

/** A callable that turns one of its arguments into an error code (and maybe another into its message). */
interface Sink {
  readonly codeArg: number;
  readonly messageArg?: number;
}

export function errorCatalogue(root: string): ErrorCatalogue {
  const program = createProgram(root);
  const checker = program.getTypeChecker();
  const files = program.getSourceFiles().filter((file) => isScanned(root, file.fileName));
  const found = new Map<string, { messages: Set<string>; places: Set<string> }>();
  const unresolved = new Set<string>();
  const record = (code: string, message: string | undefined, node: ts.Node) => {
    const entry = found.get(code) ?? { messages: new Set<string>(), places: new Set<string>() };
    if (message) entry.messages.add(message);
    entry.places.add(placeOf(root, node.getSourceFile().fileName));
    found.set(code, entry);
  };

  // Functions (by their declaration) that forward a parameter to DomainRuleViolation's code, found pass by pass.
  const sinks = new Map<ts.Node, Sink>();
  const sinkOf = (callee: ts.Expression): Sink | undefined => {
    if (ts.isIdentifier(callee) && callee.text === 'DomainRuleViolation') return { codeArg: 0, messageArg: 1 };
    const declaration = checker.getSymbolAtLocation(callee)?.valueDeclaration;
    return declaration ? sinks.get(declaration) : undefined;
  };

  for (let pass = 0, grew = true; grew && pass < 4; pass++) {
    grew = false;
    unresolved.clear();
    found.clear();
    for (const file of files) {
      const visit = (node: ts.Node): void => {
        if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.arguments) {
          const sink = sinkOf(node.expression);
          const codeArg = sink && node.arguments[sink.codeArg];
          if (sink && codeArg) {
            const messageArg = sink.messageArg === undefined ? undefined : node.arguments[sink.messageArg];
            const forwarded = literalCodes(checker, codeArg).length === 0 ? forwardingSink(codeArg, messageArg) : undefined;
            if (forwarded && !sinks.has(forwarded.declaration)) {
              sinks.set(forwarded.declaration, forwarded.sink);
              grew = true;
            }
            if (!forwarded) resolveCodes(checker, codeArg, messageArg, node, record, unresolved);
          }
        }
        if (ts.isPropertyAssignment(node) && propertyName(node) === 'code' && ts.isObjectLiteralExpression(node.parent)) {
          const holder = node.parent.parent;
          // `params: { code }` is a validation schema's refinement only beside its `message` (template params are not).
          const name = ts.isPropertyAssignment(holder) ? propertyName(holder) : undefined;
          if (ts.isPropertyAssignment(holder) && (name === 'extensions' || (name === 'params' && messageBeside(holder)))) {
            resolveCodes(checker, node.initializer, messageBeside(holder), node, record, unresolved);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
  }

  const codes = [...found.entries()]
    .map(([code, entry]) => ({ code, messages: [...entry.messages].sort(), places: [...entry.places].sort() }))
    .sort((a, b) => a.code.localeCompare(b.code));
  return { codes, unresolved: [...unresolved].sort() };
}

function createProgram(root: string): ts.Program {
  const configPath = join(root, 'tsconfig.base.json');
  const config = ts.parseConfigFileTextToJson(configPath, readFileSync(configPath, 'utf8')).config as { compilerOptions: object };
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, dirname(configPath));
  const roots = ts.sys.readDirectory(
    root,
    ['.ts'],
    ['**/node_modules', '**/dist', '**/.tools', '**/tmp'],
    ['services/*/src/**/*', 'libs/*/src/**/*', 'gateway/src/**/*'],
  );
  return ts.createProgram(
    roots.filter((file) => isScanned(root, file)),
    { ...options, noEmit: true, skipLibCheck: true },
  );
}

function isScanned(root: string, fileName: string): boolean {
  const rel = relative(root, fileName).split('\\').join('/');
  return SOURCE_ROOTS.test(rel) && !SKIPPED.test(rel);
}

function placeOf(root: string, fileName: string): string {
  const rel = relative(root, fileName).split('\\').join('/');
  const service = /^services\/([^/]+)\//.exec(rel);
  if (service) return service[1]!;
  if (rel.startsWith('gateway/')) return 'gateway';
  return `every service (${/^libs\/([^/]+)\//.exec(rel)?.[1] ?? rel})`;
}

function propertyName(node: ts.PropertyAssignment): string | undefined {
  return ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;
}

/** `message` beside an `extensions`/`params` property, or the first argument of `new GraphQLError(message, {...})`. */
function messageBeside(holder: ts.PropertyAssignment): ts.Expression | undefined {
  const owner = holder.parent;
  const sibling = owner.properties.find(
    (property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && propertyName(property) === 'message',
  );
  if (sibling) return sibling.initializer;
  const call = owner.parent;
  return ts.isNewExpression(call) && call.arguments && call.arguments[1] === owner ? call.arguments[0] : undefined;
}

/** When the code passed on is a parameter of the enclosing function, that function becomes a sink itself. */
function forwardingSink(codeArg: ts.Expression, messageArg: ts.Expression | undefined): { declaration: ts.Node; sink: Sink } | undefined {
  if (!ts.isIdentifier(codeArg)) return undefined;
  let fn: ts.Node | undefined = codeArg.parent;
  while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
  if (!fn || !ts.isFunctionLike(fn)) return undefined;
  const parameters = fn.parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : ''));
  const codeIndex = parameters.indexOf(codeArg.text);
  if (codeIndex < 0) return undefined;
  const messageIndex = messageArg && ts.isIdentifier(messageArg) ? parameters.indexOf(messageArg.text) : -1;
  // The symbol a caller names: a function declaration, or the variable an arrow function is assigned to.
  const declaration = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent : undefined;
  return declaration && { declaration, sink: { codeArg: codeIndex, ...(messageIndex >= 0 ? { messageArg: messageIndex } : {}) } };
}

function resolveCodes(
  checker: ts.TypeChecker,
  codeArg: ts.Expression,
  messageArg: ts.Expression | undefined,
  at: ts.Node,
  record: (code: string, message: string | undefined, node: ts.Node) => void,
  unresolved: Set<string>,
): void {
  const literals = literalCodes(checker, codeArg);
  if (literals.length === 0) {
    const { line } = at.getSourceFile().getLineAndCharacterOfPosition(at.getStart());
    unresolved.add(`${at.getSourceFile().fileName.replace(/^.*?((services|libs|gateway)\/)/, '$1')}:${line + 1}`);
    return;
  }
  for (const code of literals) record(code, messageArg && messageText(checker, messageArg, codeArg, code), at);
}

/** The codes an expression can hold, when its type is a string literal or a union of them. */
function literalCodes(checker: ts.TypeChecker, expression: ts.Expression): string[] {
  const type = checker.getTypeAtLocation(expression);
  return (type.isUnion() ? type.types : [type]).filter((member): member is ts.StringLiteralType => member.isStringLiteral()).map((member) => member.value);
}

/** The message as written; a lookup keyed by the code (`MESSAGES[code]`) gives the entry for that code. */
function messageText(checker: ts.TypeChecker, node: ts.Expression, codeArg: ts.Expression, code: string): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((span) => `…${span.literal.text}`).join('');
  if (ts.isParenthesizedExpression(node)) return messageText(checker, node.expression, codeArg, code);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return messageText(checker, node.left, codeArg, code) + messageText(checker, node.right, codeArg, code);
  }
  if (ts.isConditionalExpression(node)) return `${messageText(checker, node.whenTrue, codeArg, code)} / ${messageText(checker, node.whenFalse, codeArg, code)}`;
  if (ts.isElementAccessExpression(node) && node.argumentExpression.getText() === codeArg.getText()) {
    const table = checker.getSymbolAtLocation(node.expression)?.valueDeclaration;
    if (table && ts.isVariableDeclaration(table) && table.initializer) {
      const initializer =
        ts.isAsExpression(table.initializer) || ts.isSatisfiesExpression(table.initializer) ? table.initializer.expression : table.initializer;
      if (ts.isObjectLiteralExpression(initializer)) {
        const entry = initializer.properties.find(
          (property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && propertyName(property) === code,
        );
        if (entry) return messageText(checker, entry.initializer, codeArg, code);
      }
    }
  }
  const type = checker.getTypeAtLocation(node);
  return type.isStringLiteral() ? type.value : '…';
}
