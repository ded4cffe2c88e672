/**
 * A small matcher for the CloudWatch Logs JSON filter patterns our alarms use: `{ ... }` with
 * `&&`, `||`, parentheses, `$.a.b = "v"` / `!= "v"` (a `*` in the value is a wildcard),
 * `$.a.b NOT EXISTS`. As in CloudWatch, a comparison on a field the event lacks does not match
 * (either way round). It lets tests ask "does this event trip the alarm?" of the synthesized
 * patterns. Role ARNs in patterns come from the template as `<LogicalId>` (see iam-eval.ts).
 */
// @ts-nocheck

type Event = Record<string, unknown>;

function field(event: Event, path: string): unknown {
  let v: unknown = event;
  for (const part of path.replace(/^\$\./, '').split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function like(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
}

const TOKEN = /\s*(\(|\)|&&|\|\||\$[\w.]+|!=|=|NOT EXISTS|"(?:[^"\\]|\\.)*")/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  const text = src.trim();
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`Unsupported filter pattern near: ${text.slice(start, start + 40)}`);
    out.push(m[1]!);
  }
  return out;
}

/** Whether a JSON log event matches the filter pattern. */
export function matchesFilter(pattern: string, event: Event): boolean {
  const body = pattern.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new Error('Not a JSON filter pattern');
  const tokens = tokenize(body.slice(1, -1));
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++]!;
  const primary = (): boolean => {
    if (peek() === '(') {
      next();
      const v = orExpr();
      if (next() !== ')') throw new Error('Unbalanced parentheses');
      return v;
    }
    const path = next();
    const op = next();
    const actual = field(event, path);
    if (op === 'NOT EXISTS') return actual === undefined;
    const expected = JSON.parse(next()) as string;
    if (typeof actual !== 'string') return false;
    if (op === '=') return like(expected, actual);
    if (op === '!=') return !like(expected, actual);
    throw new Error(`Unsupported operator ${op}`);
  };
  const andExpr = (): boolean => {
    let v = primary();
    while (peek() === '&&') {
      next();
      v = primary() && v;
    }
    return v;
  };
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek() === '||') {
      next();
      v = andExpr() || v;
    }
    return v;
  };
  const result = orExpr();
  if (i !== tokens.length) throw new Error(`Unparsed tokens: ${tokens.slice(i).join(' ')}`);
  return result;
}
