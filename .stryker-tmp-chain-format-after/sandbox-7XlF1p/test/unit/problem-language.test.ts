// @ts-nocheck
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, TenantSuspendedError, ValidationError } from '../../shared/errors';
import { englishDetail, EN_DETAILS } from '../../shared/http/problem-en';
import { problemFromError, problemLanguage } from '../../shared/http/problem';

/**
 * Issue 16, item 14: problem details in English on request. The scan below finds every Norwegian
 * detail handed to a DomainError in functions/ and shared/ and fails when one has no English text
 * in shared/http/problem-en.ts, so a new message cannot be added without its translation.
 */

const ROOT = join(import.meta.dirname, '..', '..');

/** Constructors whose first argument is the detail shown to the caller. */
const DETAIL_FIRST = new Set([
  'DomainError',
  'ValidationError',
  'UnauthenticatedError',
  'ForbiddenError',
  'NotFoundError',
  'ConflictError',
  'PreconditionFailedError',
  'PreconditionRequiredError',
  'UnsupportedMediaTypeError',
  'TooManyRequestsError',
]);
/** Errors that build their detail themselves: their `super(...)` call is scanned instead. */
const SELF_DESCRIBING = new Set(['TenantSuspendedError', 'ExportIncompleteError']);
/** Helpers that throw a DomainError with the detail given as the named (0-based) argument. */
const DETAIL_ARGUMENT: Record<string, number> = { denyAfterAccess: 4 };
/**
 * Arguments that pass on a detail made elsewhere (and scanned there): a caught error's detail, a
 * parameter of a helper whose callers are scanned.
 */
const PASSED_ON = new Set(['error.detail', 'detail', 'refused', 'change.authorOnly.detail', 'change.authorOr.detail']);
/**
 * Details declared as data (the entry changes' tables in entry-service.ts): every string of a
 * `refusedStatuses` object and the `detail` of an `authorOnly` or `authorOr` object is a detail, scanned where it is declared.
 */
const DETAIL_TABLES = new Set(['refusedStatuses']);
const DETAIL_OBJECTS = new Set(['authorOnly', 'authorOr']);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface Found {
  key: string;
  where: string;
}

/** The catalogue key of a string expression: the text, each `${...}` as {0}, {1}, ... */
function keyOf(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s, i) => `{${i}}${s.literal.text}`).join('');
  if (ts.isParenthesizedExpression(node)) return keyOf(node.expression);
  return undefined;
}

function scan(): { found: Found[]; unresolved: string[] } {
  const files = [...sourceFiles(join(ROOT, 'functions')), ...sourceFiles(join(ROOT, 'shared'))];
  const parsed = files.map((f) => ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true));
  // Declarations other files may point at: string constants, object-literal tables, functions.
  const constants = new Map<string, ts.Expression>();
  const functions = new Map<string, ts.Node>();
  for (const sf of parsed) {
    const index = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
        if (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer)) functions.set(n.name.text, n.initializer);
        else constants.set(n.name.text, n.initializer);
      }
      if (ts.isFunctionDeclaration(n) && n.name) functions.set(n.name.text, n);
      ts.forEachChild(n, index);
    };
    index(sf);
  }
  const found: Found[] = [];
  const unresolved: string[] = [];

  /** Every string a detail expression can produce; `false` when it cannot be followed. */
  const collect = (expr: ts.Expression, where: string, seen: Set<string>): boolean => {
    const key = keyOf(expr);
    if (key !== undefined) {
      found.push({ key, where });
      return true;
    }
    if (PASSED_ON.has(expr.getText())) return true;
    if (ts.isConditionalExpression(expr)) return collect(expr.whenTrue, where, seen) && collect(expr.whenFalse, where, seen);
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
      return collect(expr.left, where, seen) && collect(expr.right, where, seen);
    }
    if (ts.isElementAccessExpression(expr) && ts.isIdentifier(expr.expression)) {
      const table = constants.get(expr.expression.text);
      if (!table || !ts.isObjectLiteralExpression(table)) return false;
      return table.properties.every((p) => ts.isPropertyAssignment(p) && collect(p.initializer, where, seen));
    }
    if (ts.isIdentifier(expr)) {
      const value = constants.get(expr.text);
      if (!value || seen.has(expr.text)) return false;
      return collect(value, where, new Set([...seen, expr.text]));
    }
    if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression)) {
      const fn = functions.get(expr.expression.text);
      if (!fn || seen.has(expr.expression.text)) return false;
      const next = new Set([...seen, expr.expression.text]);
      let ok = true;
      const returns = (n: ts.Node): void => {
        if (ts.isReturnStatement(n) && n.expression) ok = collect(n.expression, where, next) && ok;
        if (n !== fn && (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n))) return;
        ts.forEachChild(n, returns);
      };
      const body = (fn as ts.FunctionLikeDeclaration).body;
      if (body && !ts.isBlock(body)) ok = collect(body, where, next) && ok;
      else if (body) ts.forEachChild(body, returns);
      return ok;
    }
    return false;
  };

  for (const sf of parsed) {
    const file = relative(ROOT, sf.fileName);
    const visit = (n: ts.Node): void => {
      const where = `${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
      let detail: ts.Expression | undefined;
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && DETAIL_FIRST.has(n.expression.text)) detail = n.arguments?.[0];
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && DETAIL_ARGUMENT[n.expression.text] !== undefined) detail = n.arguments[DETAIL_ARGUMENT[n.expression.text]!];
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) {
        const cls = n.parent.parent?.parent?.parent;
        const base = cls && ts.isClassDeclaration(cls) ? cls.heritageClauses?.[0]?.types[0]?.expression.getText() : undefined;
        const name = cls && ts.isClassDeclaration(cls) ? cls.name?.text : undefined;
        if (base && (DETAIL_FIRST.has(base) || SELF_DESCRIBING.has(base)) && name && (SELF_DESCRIBING.has(name) || !DETAIL_FIRST.has(name))) detail = n.arguments[0];
      }
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && ts.isObjectLiteralExpression(n.initializer)) {
        for (const p of n.initializer.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const named = ts.isIdentifier(p.name) ? p.name.text : undefined;
          if (DETAIL_TABLES.has(n.name.text) || (DETAIL_OBJECTS.has(n.name.text) && named === 'detail')) {
            if (!collect(p.initializer, where, new Set())) unresolved.push(`${where}: ${p.initializer.getText()}`);
          }
        }
      }
      if (detail && !(ts.isIdentifier(detail) && ['detail', 'message'].includes(detail.text) && ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword)) {
        if (!collect(detail, where, new Set())) unresolved.push(`${where}: ${detail.getText()}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { found, unresolved };
}

describe('English problem details', () => {
  const { found, unresolved } = scan();

  it('finds the details thrown in functions/ and shared/', () => {
    expect(found.length).toBeGreaterThan(100);
    expect(found.map((f) => f.key)).toContain('Pasienten finnes allerede i denne kommunen.');
  });

  it('can follow every detail expression to its texts', () => {
    expect(unresolved).toEqual([]);
  });

  it('has an English text for every Norwegian detail', () => {
    const missing = [...new Set(found.filter((f) => EN_DETAILS[f.key] === undefined).map((f) => `${f.where}: ${f.key}`))];
    expect(missing).toEqual([]);
  });

  it('keeps the placeholders of each text', () => {
    for (const [nb, en] of Object.entries(EN_DETAILS)) {
      const holes = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort();
      expect(holes(en), nb).toEqual(holes(nb));
    }
  });
});

describe('Accept-Language', () => {
  it.each([
    [undefined, 'nb'],
    ['', 'nb'],
    ['en', 'en'],
    ['EN-gb', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['nb', 'nb'],
    ['nb-NO,nb;q=0.9,en;q=0.8', 'nb'],
    ['no;q=0.5,en;q=0.8', 'en'],
    ['nn,en', 'nb'],
    ['en;q=0.4,nb;q=0.6', 'nb'],
    ['de,en;q=0.7', 'en'],
    ['de,fr', 'nb'],
    ['*', 'nb'],
    ['en;q=0', 'nb'],
    ['en;q=abc', 'nb'],
  ] as const)('%s → %s', (header, language) => {
    expect(problemLanguage(header)).toBe(language);
  });
});

describe('problem in English', () => {
  it('translates title and detail, plain and with inserted values', () => {
    expect(problemFromError(new ConflictError('Pasienten finnes allerede i denne kommunen.', { patientId: 'p1' }), 'r1', 'en')).toMatchObject({
      title: 'Conflict',
      detail: 'The patient already exists in this municipality.',
      patientId: 'p1',
      status: 409,
    });
    expect(problemFromError(new NotFoundError('Ingen bruker oslo.ukjent i kommunen.'), 'r1', 'en').detail).toBe('No user oslo.ukjent in the municipality.');
    expect(problemFromError(new TenantSuspendedError('0301', 'suspended'), 'r1', 'en')).toMatchObject({
      title: 'The municipality is suspended',
      detail: 'Municipality 0301 is suspended; the service is closed to it.',
    });
    expect(englishDetail('Kommune 4601 finnes allerede som «Bergen» i eu-north-1.')).toBe('Municipality 4601 already exists as “Bergen” in eu-north-1.');
  });

  it('keeps Norwegian by default and field paths in both', () => {
    const error = new ValidationError('Forespørselen har ugyldige felt.', [
      { field: 'body.gender', message: 'Kjønn stemmer ikke med fødselsnummeret (niende siffer: oddetall mann, partall kvinne)' },
      { field: 'body.name', message: 'Navnet kan ha høyst 7 ulike ord (bindestrek skiller ord)' },
      { field: 'query.limit', message: 'Too big: expected number to be <=100' },
    ]);
    const nb = problemFromError(error, 'r1');
    expect(nb).toMatchObject({ title: 'Ugyldig forespørsel', detail: 'Forespørselen har ugyldige felt.' });
    expect(nb.errors).toEqual(error.issues);
    const en = problemFromError(error, 'r1', 'en');
    expect(en).toMatchObject({ title: 'Invalid request', detail: 'The request has invalid fields.' });
    expect(en.errors).toEqual([
      { field: 'body.gender', message: 'Gender does not match the national identity number (ninth digit: odd male, even female)' },
      { field: 'body.name', message: 'The name can have at most 7 distinct words (a hyphen separates words)' },
      { field: 'query.limit', message: 'Too big: expected number to be <=100' },
    ]);
  });

  it('answers an unexpected error in English without details', () => {
    expect(problemFromError(new Error('boom'), 'r9', 'en')).toEqual({
      type: 'urn:fellesjournal:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong. Give request id r9 to support.',
      requestId: 'r9',
    });
  });

  it('passes on a detail it has no English text for', () => {
    expect(problemFromError(new ForbiddenError('Noe helt nytt.'), 'r1', 'en').detail).toBe('Noe helt nytt.');
  });
});
