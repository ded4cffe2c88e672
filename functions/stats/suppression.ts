/**
 * Small-cell suppression for published statistics: pure, no I/O.
 *
 * A table is a matrix of counts (rows × columns) published together with its row totals, column
 * totals and grand total. Primary suppression hides every cell (totals included) below the
 * threshold, zeros too: "nobody" is as telling as "one person" when the row is a small unit.
 * Complementary suppression then hides more cells until no hidden cell can be worked out from what
 * is published.
 *
 * Why the rule below is exact: write the table with its margins as an (R+1)×(C+1) grid. Every row
 * and every column is one linear equation (its cells sum to its total). Take a graph whose nodes
 * are the grid's rows and columns and whose edges are the hidden cells (cell (r, c) joins row r
 * and column c). The equations restricted to the hidden cells are, up to signs, the incidence
 * equations of that bipartite graph, whose solutions are spanned by its cycles. So a hidden cell's
 * value is fixed by the published numbers exactly when its edge lies on no cycle, that is when it
 * is a bridge. The loop below adds hidden cells until the graph has no bridge.
 */

export const SUPPRESSION_THRESHOLD = 5;

export interface PublishedTable {
  /** Cells by row and column; `null` where suppressed. */
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  columnTotals: (number | null)[];
  grandTotal: number | null;
}

type Grid = number[][];

/** The table with its margins: row R is the column totals, column C the row totals. */
function withMargins(cells: readonly (readonly number[])[], columns: number): Grid {
  const rows = cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const totals = Array.from({ length: columns + 1 }, (_, c) => rows.reduce((a, row) => a + (row[c] ?? 0), 0));
  return [...rows, totals];
}

/** The bridges among the hidden cells (as `r,c`), by Tarjan's low-link over the bipartite graph. */
export function bridgesOf(hidden: readonly (readonly boolean[])[]): [number, number][] {
  const rows = hidden.length;
  const columns = hidden[0]?.length ?? 0;
  // Nodes 0..rows-1 are rows, rows..rows+columns-1 are columns; an edge id is r * columns + c.
  const adjacent: { node: number; edge: number }[][] = Array.from({ length: rows + columns }, () => []);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (!hidden[r]![c]) continue;
      const edge = r * columns + c;
      adjacent[r]!.push({ node: rows + c, edge });
      adjacent[rows + c]!.push({ node: r, edge });
    }
  }
  const order = new Array<number>(rows + columns).fill(-1);
  const low = new Array<number>(rows + columns).fill(0);
  const out: [number, number][] = [];
  let counter = 0;
  // Iterative depth-first search (tables are small, but recursion depth should not depend on input).
  for (let start = 0; start < rows + columns; start++) {
    if (order[start] !== -1) continue;
    order[start] = low[start] = counter++;
    const stack: { node: number; viaEdge: number; next: number }[] = [{ node: start, viaEdge: -1, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const links = adjacent[top.node]!;
      if (top.next < links.length) {
        const { node, edge } = links[top.next++]!;
        if (edge === top.viaEdge) continue;
        if (order[node] === -1) {
          order[node] = low[node] = counter++;
          stack.push({ node, viaEdge: edge, next: 0 });
        } else {
          low[top.node] = Math.min(low[top.node]!, order[node]!);
        }
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      if (!parent) continue;
      low[parent.node] = Math.min(low[parent.node]!, low[top.node]!);
      if (low[top.node]! > order[parent.node]!) out.push([Math.floor(top.viaEdge / columns), top.viaEdge % columns]);
    }
  }
  return out;
}

/**
 * Suppresses a table of counts: every published number (cells and totals) is at least `threshold`,
 * and no suppressed number can be derived from the published ones through the row and column sums.
 * Among the ways to hide a determinable cell it picks the one that hides the least (by count).
 */
export function suppressTable(cells: readonly (readonly number[])[], threshold = SUPPRESSION_THRESHOLD): PublishedTable {
  const columns = cells[0]?.length ?? 0;
  for (const row of cells) {
    if (row.length !== columns) throw new Error('every row of a table has the same number of columns');
    for (const v of row) if (!Number.isInteger(v) || v < 0) throw new Error('a table holds counts (non-negative integers)');
  }
  // No rows or no columns: every total is zero, so nothing is published.
  if (cells.length === 0 || columns === 0) {
    return { cells: cells.map(() => []), rowTotals: cells.map(() => null), columnTotals: new Array<null>(columns).fill(null), grandTotal: null };
  }
  const grid = withMargins(cells, columns);
  const R = grid.length;
  const C = columns + 1;
  const hidden = grid.map((row) => row.map((v) => v < threshold));

  for (;;) {
    const bridges = bridgesOf(hidden);
    const first = bridges[0];
    if (!first) break;
    const [r, c] = first;
    // Close a cycle through (r, c) with the cheapest rectangle (r, c') (r', c) (r', c'); cells
    // already hidden cost nothing. A fully hidden grid has no bridge (it is K(R, C) with R, C >= 2),
    // so the loop ends.
    let best: { r2: number; c2: number; cost: number } | undefined;
    for (let r2 = 0; r2 < R; r2++) {
      if (r2 === r) continue;
      for (let c2 = 0; c2 < C; c2++) {
        if (c2 === c) continue;
        const cost = [[r, c2], [r2, c], [r2, c2]].reduce((sum, [a, b]) => sum + (hidden[a!]![b!] ? 0 : grid[a!]![b!]! + 1), 0);
        if (!best || cost < best.cost) best = { r2, c2, cost };
      }
    }
    if (!best) throw new Error('a table with margins has at least two rows and two columns');
    hidden[r]![best.c2] = true;
    hidden[best.r2]![c] = true;
    hidden[best.r2]![best.c2] = true;
  }

  const shown = (r: number, c: number): number | null => (hidden[r]![c] ? null : grid[r]![c]!);
  return {
    cells: cells.map((_, r) => Array.from({ length: columns }, (_, c) => shown(r, c))),
    rowTotals: cells.map((_, r) => shown(r, columns)),
    columnTotals: Array.from({ length: columns }, (_, c) => shown(R - 1, c)),
    grandTotal: shown(R - 1, columns),
  };
}
