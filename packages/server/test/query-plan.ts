/**
 * What a test asks of a query plan: which index a statement reads a table through, on either store.
 */
import { all, run, type Row, type Sql } from '../src/db/sql.js';

/**
 * Which index a statement (not run) reads `table` through, from the plan; null when it reads the whole
 * table. On PostgreSQL these tables hold a few rows and the planner would rightly read them whole: with
 * sequential scans priced out it takes an index whenever one can serve the statement, which is what is
 * asked here; a sequential scan left in the plan means none can.
 */
export async function indexUsed(sql: Sql, statement: string, table: string): Promise<string | null> {
  if (sql.dialect === 'sqlite') {
    const lines = (await sql.all(`explain query plan ${statement}`)).map((r) => String(r.detail));
    const line = lines.find((l) => new RegExp(`^(SEARCH|SCAN) ${table}\\b`).test(l));
    if (!line) throw new Error(`no step reads ${table}: ${lines.join(' | ')}`);
    return /^SEARCH \S+ USING (?:COVERING )?INDEX (\S+)/.exec(line)?.[1] ?? null;
  }
  const rows = await sql.transaction(function* () {
    yield run('set local enable_seqscan = off');
    return (yield all(`explain (format json) ${statement}`)) as Row[];
  });
  type Node = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: Node[] };
  const nodes: Node[] = [];
  const walk = (node: Node): void => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk((rows[0]!['QUERY PLAN'] as { Plan: Node }[])[0]!.Plan);
  const scan = nodes.find((n) => n['Relation Name'] === table && n['Node Type'] !== 'ModifyTable');
  if (!scan) throw new Error(`no step reads ${table}: ${JSON.stringify(rows[0])}`);
  if (scan['Node Type'] === 'Bitmap Heap Scan')
    return scan.Plans?.find((p) => p['Node Type'] === 'Bitmap Index Scan')?.['Index Name'] ?? null;
  return scan['Index Name'] ?? null;
}
