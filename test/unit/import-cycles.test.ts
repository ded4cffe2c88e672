import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The package structure of functions/: each folder (journal, sharing, audit, core, ...) is a
 * package, and the graph of imports between packages has no cycle. Services stand on
 * functions/core (the patient-access core) and shared/, never on each other.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const FUNCTIONS = join(ROOT, 'functions');

/** Folders that every service may depend on; all others are services that depend on none of each other. */
const FOUNDATIONS = new Set(['core']);

/**
 * Dependencies between services that are ports, wired where the container is composed, each with
 * its reason. Nothing else crosses.
 */
const PORTS = new Map([
  // Offboarding exports the journal through the JournalExportSource port (tenants/journal-source.ts);
  // tenant-deps.ts loads the journal's export lazily, only in the offboarding function.
  ['tenants -> journal', 'offboarding export port'],
  // /fhir/R4 is a mapping layer over the journal's and sharing's use cases (functions/fhir/): it
  // calls them so that the decision, blocks and audit stay in one place; nothing calls back.
  ['fhir -> journal', 'FHIR mapping of the journal use cases'],
  ['fhir -> sharing', 'FHIR (IHE MHD) mapping of the sharing use cases'],
  ['fhir -> audit', 'FHIR AuditEvent mapping of the audit service\'s log views'],
  ['fhir -> messaging', 'FHIR Communication mapping of the messaging use cases'],
]);

export type Graph = Map<string, Set<string>>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : tsFiles(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative module specifiers of a file: import/export ... from '...', import '...', import('...'). */
export function relativeImports(source: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of source.matchAll(pattern)) specs.push(m[1]!);
  return specs;
}

/**
 * The package (first folder under functions/) a path belongs to; undefined outside the packages:
 * outside functions/, and functions/routes.ts, the composition root that lists every service's
 * route data for CDK, the local gateway and /openapi.json (it imports route data only).
 */
function packageOf(path: string): string | undefined {
  const rel = relative(FUNCTIONS, path);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** The package import graph of functions/: an edge a -> b when a file in a imports a module in b. */
export function packageGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of tsFiles(FUNCTIONS)) {
    const from = packageOf(file);
    if (from === undefined) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const to = packageOf(resolve(dirname(file), spec));
      if (to !== undefined && to !== from) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** One cycle of the graph as a path (first node repeated at the end), or undefined when it has none. */
export function findCycle(graph: Graph): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

const graphOf = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe('the cycle finder', () => {
  it('finds a cycle and names its path', () => {
    expect(findCycle(graphOf({ journal: ['core', 'sharing'], sharing: ['core', 'journal'], core: [] }))).toEqual(['journal', 'sharing', 'journal']);
    expect(findCycle(graphOf({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(graphOf({ admin: ['tenants'], tenants: ['vendors'], vendors: ['core'], core: ['tenants'] }))).toEqual(['tenants', 'vendors', 'core', 'tenants']);
  });

  it('finds none in a graph without one (shared targets are not cycles)', () => {
    expect(findCycle(graphOf({ journal: ['core'], sharing: ['core'], audit: ['core'], core: [], tenants: ['journal', 'core'] }))).toBeUndefined();
  });

  it('reads every kind of relative import', () => {
    const source = [
      "import { a } from '../core/a';",
      "import type { B } from './b';",
      "export { c } from '../../shared/c';",
      "export * from './d';",
      "import './e';",
      "const f = await import('../f');",
      "import { z } from 'zod/mini';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['../core/a', './b', '../../shared/c', './d', './e', '../f']);
  });
});

describe('functions/ packages', () => {
  const graph = packageGraph();

  it('have no import cycle between them', () => {
    expect(graph.size).toBeGreaterThan(5);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('depend on the core and shared/, never on each other', () => {
    const crossings: string[] = [];
    for (const [from, targets] of graph) {
      if (FOUNDATIONS.has(from)) continue;
      for (const to of targets) if (!FOUNDATIONS.has(to) && !PORTS.has(`${from} -> ${to}`)) crossings.push(`${from} -> ${to}`);
    }
    expect(crossings).toEqual([]);
    // The core stands on shared/ alone.
    expect([...(graph.get('core') ?? [])]).toEqual([]);
  });
});
