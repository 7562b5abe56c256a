/**
 * Group commit: the rows the endpoint writes in one event-loop turn (log rows, orders) share one commit,
 * and each writer hears of its row only after that commit. With durable commits (SQLite
 * `synchronous = full`, PostgreSQL's default) one fsync then serves every request of the turn instead
 * of one each, and on PostgreSQL a turn's rows of one kind travel as one statement (one round trip).
 *
 * - SQLite: one transaction for the whole turn, run in one synchronous stretch (db/sql.ts TxBody).
 * - PostgreSQL: one statement per kind of row (`many`: arrays through `unnest`), its own commit; the
 *   kinds go side by side on two pooled connections.
 * - While a group is being committed the next one gathers, so under load groups grow instead of
 *   commits queueing up (under the bench ~17–27 rows a group; committing every turn at once instead
 *   made groups of 1.3 rows on PostgreSQL and cost more than half its throughput).
 * - A row that fails (a constraint, a value the column refuses) must not fail its neighbours: when a
 *   group fails for such a reason, each of its rows is tried again alone. When the database itself is
 *   unavailable (locked, unreachable, timed out) every row fails at once: alone they would only wait
 *   again, one after the other.
 */
import type { Row, Sql, SqlValue, TxBody } from './sql.js';

/** How rows of one kind are written. */
export interface RowKind<R, T> {
  /** One row's statements, run inside the group's transaction (and alone when its group failed). */
  one(row: R): TxBody<T>;
  /**
   * PostgreSQL: every row of a group in one statement, so the group is one round trip and its own
   * commit; `read` gives each row's result, in the rows' order, from the rows the statement returned.
   */
  many?(rows: readonly R[]): { sql: string; params: readonly SqlValue[]; read(returned: readonly Row[]): T[] };
  /** Told once per commit, with the rows of this kind it committed: after the commit, before their writers. */
  committed?(rows: ReadonlyArray<{ row: R; result: T }>): void;
}

export interface GroupCommit {
  /** Writes `row` with the other rows of this turn; resolves with its result once that is committed. */
  write<R, T>(kind: RowKind<R, T>, row: R): Promise<T>;
}

interface Pending {
  kind: RowKind<unknown, unknown>;
  row: unknown;
  resolve(result: unknown): void;
  reject(err: unknown): void;
}

/** `onError`: a `committed` listener threw (its rows stay committed and their writers are answered). */
export function groupCommit(sql: Sql, onError: (err: unknown) => void = () => {}): GroupCommit {
  let gathering: Pending[] = [];
  let scheduled = false;
  let committing = false;

  // setImmediate runs after the I/O callbacks of this turn and the promise jobs they started, so every
  // request that reached its write in this turn is in the group.
  const schedule = (): void => {
    if (scheduled || committing) return;
    scheduled = true;
    setImmediate(() => void flush());
  };

  async function flush(): Promise<void> {
    scheduled = false;
    const group = gathering;
    gathering = [];
    committing = true;
    try {
      if (sql.dialect === 'sqlite') await commit(group);
      else await Promise.all([...byKind(group).values()].map(commit));
    } finally {
      committing = false;
      if (gathering.length) schedule();
    }
  }

  /** Commits `group` (never throws: each writer is answered with its row's result or error). */
  async function commit(group: Pending[]): Promise<void> {
    let results: unknown[];
    try {
      results = await run(group);
    } catch (err) {
      // A deadlock or serialization failure with another instance's group: each row again alone, at once.
      if (group.length > 1 && (rowFault(err) || lostRace(err))) return isolate(group);
      for (const p of group) p.reject(err);
      return;
    }
    settle(group.map((p, i) => ({ p, ok: true, value: results[i] })));
  }

  /** The rows of a failed group, each in its own commit: one bad row fails alone. */
  async function isolate(group: Pending[]): Promise<void> {
    const outcomes: Outcome[] = [];
    for (const p of group) {
      try {
        outcomes.push({ p, ok: true, value: (await run([p]))[0] });
      } catch (err) {
        outcomes.push({ p, ok: false, value: err });
      }
    }
    settle(outcomes);
  }

  function run(group: Pending[]): Promise<unknown[]> {
    const kind = group[0]!.kind;
    const many = sql.dialect === 'postgresql' && group.every((p) => p.kind === kind) ? kind.many?.(group.map((p) => p.row)) : undefined;
    // One statement is its own transaction: no begin/commit round trips around it.
    if (many) return sql.all(many.sql, many.params).then((rows) => many.read(rows));
    return sql.transaction(function* () {
      const results: unknown[] = [];
      for (const p of group) results.push(yield* p.kind.one(p.row));
      return results;
    });
  }

  function settle(outcomes: Outcome[]): void {
    const values = new Map(outcomes.map((o) => [o.p, o.value]));
    for (const [kind, rows] of byKind(outcomes.filter((o) => o.ok).map((o) => o.p))) {
      if (!kind.committed) continue;
      try {
        kind.committed(rows.map((p) => ({ row: p.row, result: values.get(p) })));
      } catch (err) {
        onError(err);
      }
    }
    for (const o of outcomes) {
      if (o.ok) o.p.resolve(o.value);
      else o.p.reject(o.value);
    }
  }

  return {
    write<R, T>(kind: RowKind<R, T>, row: R): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        gathering.push({ kind, row, resolve, reject });
        schedule();
      });
    },
  };
}

interface Outcome {
  p: Pending;
  ok: boolean;
  value: unknown;
}

function byKind(group: Pending[]): Map<RowKind<unknown, unknown>, Pending[]> {
  const kinds = new Map<RowKind<unknown, unknown>, Pending[]>();
  for (const p of group) {
    const rows = kinds.get(p.kind);
    if (rows) rows.push(p);
    else kinds.set(p.kind, [p]);
  }
  return kinds;
}

/**
 * Whether a failed group may have failed because of one of its rows: a constraint or a value the
 * column refuses (SQLite's result codes; PostgreSQL's SQLSTATE classes 22 data exception, 23 integrity
 * constraint violation, 54 program limit exceeded). Anything else (a lock, a lost connection, a
 * timeout) would fail each row alone just the same, only later.
 */
export function rowFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code) || /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

/** PostgreSQL's deadlock_detected (40P01) and serialization_failure (40001): the statement lost a race, and may simply be run again. */
export function lostRace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
