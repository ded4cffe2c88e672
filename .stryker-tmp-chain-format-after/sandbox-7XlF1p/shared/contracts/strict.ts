// @ts-nocheck
import * as z from './zod';

/**
 * Request bodies refuse fields they do not know, everywhere: a misspelt field (`titel` for
 * `title`) must be a 400 naming it, not silently dropped. Contracts are written with plain
 * `z.object` (they double as response and web-client types); this makes every object inside a
 * request body strict in one place, at validation (shared/http/validate.ts) and in /openapi.json,
 * so no route can forget it. An object written with `z.looseObject` (or any explicit catchall)
 * keeps its catchall: that is a decision, not an omission.
 */
export function strictRequest<S extends z.ZodMiniType>(schema: S): S {
  return strictCopy(schema) as S;
}

const cache = new WeakMap<z.ZodMiniType, z.ZodMiniType>();

type Def = Record<string, unknown> & { type: string };

function strictCopy(schema: z.ZodMiniType): z.ZodMiniType {
  const cached = cache.get(schema);
  if (cached) return cached;
  const def = schema._zod.def as unknown as Def;
  const next = rewrite(def);
  const out = next ? copyMeta(schema, (schema as unknown as { clone(def: Def): z.ZodMiniType }).clone(next)) : schema;
  cache.set(schema, out);
  return out;
}

/** The same description and examples on the copy (never the registry id: that names the original). */
function copyMeta(from: z.ZodMiniType, to: z.ZodMiniType): z.ZodMiniType {
  const meta = z.globalRegistry.get(from);
  if (meta) {
    const { id: _id, ...rest } = meta;
    z.globalRegistry.add(to, rest);
  }
  return to;
}

const inner = (v: unknown): z.ZodMiniType => strictCopy(v as z.ZodMiniType);

/** A def with its child schemas made strict; undefined when nothing inside changes. */
function rewrite(def: Def): Def | undefined {
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodMiniType>;
      const strictShape = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, strictCopy(v)]));
      if (def.catchall && Object.entries(shape).every(([k, v]) => strictShape[k] === v)) return undefined;
      return { ...def, shape: strictShape, catchall: def.catchall ?? z.never() };
    }
    case 'array':
      return changed(def, { element: inner(def.element) });
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return changed(def, { innerType: inner(def.innerType) });
    case 'union':
      return changed(def, { options: (def.options as z.ZodMiniType[]).map(strictCopy) });
    case 'intersection':
      return changed(def, { left: inner(def.left), right: inner(def.right) });
    case 'pipe':
      return changed(def, { in: inner(def.in) });
    case 'record':
      return changed(def, { valueType: inner(def.valueType) });
    case 'tuple':
      return changed(def, { items: (def.items as z.ZodMiniType[]).map(strictCopy), ...(def.rest ? { rest: inner(def.rest) } : {}) });
    default:
      return undefined;
  }
}

function changed(def: Def, parts: Record<string, unknown>): Def | undefined {
  const differs = Object.entries(parts).some(([k, v]) => (Array.isArray(v) ? v.some((x, i) => x !== (def[k] as unknown[])[i]) : v !== def[k]));
  return differs ? { ...def, ...parts } : undefined;
}
