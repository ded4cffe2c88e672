import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suppressTable, SUPPRESSION_THRESHOLD, type PublishedTable } from '../../functions/stats/suppression';

/**
 * An independent check of "no suppressed cell can be derived": the unknowns are the hidden cells
 * of the table with its margins, the equations every row and column sum. A hidden cell is derivable
 * exactly when every solution of the homogeneous system is zero at it, i.e. when it is not free in
 * the null space. Computed here by Gaussian elimination, not by the module's graph argument.
 */
function derivableCells(table: PublishedTable, truth: number[][]): [number, number][] {
  const rows = truth.length;
  const columns = truth[0]?.length ?? 0;
  const grid: (number | null)[][] = [...table.cells.map((row, r) => [...row, table.rowTotals[r]!]), [...table.columnTotals, table.grandTotal]];
  const unknowns: [number, number][] = [];
  grid.forEach((row, r) => row.forEach((v, c) => v === null && unknowns.push([r, c])));
  if (unknowns.length === 0) return [];
  const index = new Map(unknowns.map(([r, c], i) => [`${r},${c}`, i]));
  const equations: number[][] = [];
  // Row r: its cells minus its total; column c likewise (the margin row and column included).
  for (let r = 0; r <= rows; r++) {
    const eq = new Array<number>(unknowns.length).fill(0);
    for (let c = 0; c <= columns; c++) {
      const i = index.get(`${r},${c}`);
      if (i !== undefined) eq[i] = (eq[i] ?? 0) + (c === columns ? -1 : 1);
    }
    equations.push(eq);
  }
  for (let c = 0; c <= columns; c++) {
    const eq = new Array<number>(unknowns.length).fill(0);
    for (let r = 0; r <= rows; r++) {
      const i = index.get(`${r},${c}`);
      if (i !== undefined) eq[i] = (eq[i] ?? 0) + (r === rows ? -1 : 1);
    }
    equations.push(eq);
  }
  // Reduced row echelon form; a variable is determined iff its pivot row has no free variable.
  const m = equations.map((e) => [...e]);
  const pivots: number[] = [];
  let row = 0;
  for (let col = 0; col < unknowns.length && row < m.length; col++) {
    const p = m.findIndex((e, i) => i >= row && Math.abs(e[col]!) > 1e-9);
    if (p < 0) continue;
    [m[row], m[p]] = [m[p]!, m[row]!];
    const lead = m[row]![col]!;
    m[row] = m[row]!.map((v) => v / lead);
    for (let i = 0; i < m.length; i++) {
      if (i === row) continue;
      const f = m[i]![col]!;
      if (Math.abs(f) > 1e-9) m[i] = m[i]!.map((v, j) => v - f * m[row]![j]!);
    }
    pivots.push(col);
    row++;
  }
  const pivotSet = new Set(pivots);
  const out: [number, number][] = [];
  pivots.forEach((col, i) => {
    const free = m[i]!.some((v, j) => j !== col && !pivotSet.has(j) && Math.abs(v) > 1e-9);
    if (!free) out.push(unknowns[col]!);
  });
  return out;
}

function published(table: PublishedTable): number[] {
  return [...table.cells.flat(), ...table.rowTotals, ...table.columnTotals, table.grandTotal].filter((v): v is number => v !== null);
}

const tables = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([r, c]) => fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 60 })), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));

describe('small-cell suppression', () => {
  it('publishes no number below the threshold, and every published number is the true one', () => {
    fc.assert(
      fc.property(tables, (cells) => {
        const t = suppressTable(cells);
        expect(published(t).every((v) => v >= SUPPRESSION_THRESHOLD)).toBe(true);
        t.cells.forEach((row, r) => row.forEach((v, c) => v !== null && expect(v).toBe(cells[r]![c])));
        t.rowTotals.forEach((v, r) => v !== null && expect(v).toBe(cells[r]!.reduce((a, b) => a + b, 0)));
      }),
      { numRuns: 400 },
    );
  });

  it('leaves no suppressed cell derivable from the row and column totals', () => {
    fc.assert(
      fc.property(tables, (cells) => {
        expect(derivableCells(suppressTable(cells), cells)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('hides the partner of a lone small cell: a naive table would single out the one patient at a small unit', () => {
    // Patients served by unit and month: Lindern sykehjem had one patient in March.
    const cells = [
      [12, 9, 14], // Hjemmetjenesten
      [7, 8, 1], // Lindern: the 1 is one person
      [20, 18, 25], // Legekontor
    ];
    const t = suppressTable(cells);
    expect(t.cells[1]![2]).toBeNull();
    // Row total (16) and column total (40) are published, so another cell in that row and column must go.
    expect(t.cells[1]!.filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    expect(t.cells.map((row) => row[2]).filter((v) => v === null).length).toBeGreaterThanOrEqual(2);
    expect(derivableCells(t, cells)).toEqual([]);
    // The big cells stay.
    expect(t.cells[2]).toEqual([20, 18, 25]);
  });

  it('hides a whole small municipality: three patients in one unit are not published by month nor in total', () => {
    const t = suppressTable([[1, 0, 2]]);
    expect(published(t)).toEqual([]);
  });

  it('the independent check finds the lone small cell of a naively suppressed table', () => {
    const cells = [
      [12, 9, 14],
      [7, 8, 1],
    ];
    const naive: PublishedTable = { cells: [[12, 9, 14], [7, 8, null]], rowTotals: [35, 16], columnTotals: [19, 17, 15], grandTotal: 51 };
    expect(derivableCells(naive, cells)).toEqual([[1, 2]]);
  });

  it('publishes a table with no small cells unchanged', () => {
    const t = suppressTable([
      [5, 6],
      [7, 8],
    ]);
    expect(t).toEqual({ cells: [[5, 6], [7, 8]], rowTotals: [11, 15], columnTotals: [12, 14], grandTotal: 26 });
  });

  it('refuses what is not a table of counts', () => {
    expect(() => suppressTable([[1, 2], [3]])).toThrow();
    expect(() => suppressTable([[1.5]])).toThrow();
    expect(() => suppressTable([[-1]])).toThrow();
  });
});
