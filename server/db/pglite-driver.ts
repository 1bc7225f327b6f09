import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PGlite, Results } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

// Kysely straight onto PGlite. The registry first reached PGlite through node-postgres and
// PGlite's socket-like adapter for it: every answer went through a stream and node-postgres's
// parser on the service's thread, and the heap grew by some 4 MB at each young-generation
// collection. Reading a publish's 100k records that way took 1.3 s with collections of
// 13–17 ms (about 200 ms of them), each holding the service's thread; through PGlite's own
// `query`, 1.0 s with collections of 1–2 ms (18 ms in all). Report intake on PGlite went from
// 1,187 to 3,749 reports a second (docs/performance.md, "PGlite without node-postgres").
// The rows are what node-postgres gave, so no caller changes.

/** PostgreSQL's type ids whose text node-postgres hands over as it is (PGlite would make numbers of them). */
const AS_TEXT: Record<number, (value: string) => string> = {
  20: (value) => value, // int8: count(*), sums; past 2^53 a number would lie
  1700: (value) => value, // numeric
};

/** Statements that report how many rows they wrote, as node-postgres counts them. */
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

/**
 * How long statements may hold the event loop in one turn before the next waits for a turn.
 * PGlite answers within the same turn (WebAssembly, synchronous), so a caller awaiting one
 * statement after another never let timers or requests in: the ten short statements a publish
 * starts with held every report for 50–100 ms at 100k merchants.
 */
export const STATEMENTS_HOLD_MS = 5;

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly lite: PGlite) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.#execute<R>(compiledQuery);
  }

  async #execute<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    // Without parameters a text may hold several statements (a migration): the simple
    // protocol, as node-postgres uses for it; the last statement's result is the answer.
    const result: Results<R> | undefined =
      parameters.length === 0
        ? ((await this.lite.exec(sql, { parsers: AS_TEXT })).at(-1) as Results<R> | undefined)
        : await this.lite.query<R>(sql, parameters as unknown[], { parsers: AS_TEXT });
    if (!result) return { rows: [] };
    const command = (result as Results<R> & { command?: string }).command;
    return command !== undefined && WRITES.has(command)
      ? { rows: result.rows, numAffectedRows: BigInt(result.affectedRows ?? 0) }
      : { rows: result.rows };
  }

  // biome-ignore lint/correctness/useYield: the registry never streams a query.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on PGlite');
  }
}

/** PGlite is one connection: one caller (a statement, or a whole transaction) at a time. */
class PgliteDriver implements Driver {
  readonly #connection: PgliteConnection;
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;
  /** When statements began holding this turn of the event loop; undefined once it has turned. */
  #heldSince: number | undefined;

  constructor(lite: PGlite) {
    this.#connection = new PgliteConnection(lite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue;
    let release = () => {};
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#release = release;
    if (this.#heldSince === undefined) {
      this.#heldSince = performance.now();
      // Runs at the next turn's check phase, after timers and incoming requests.
      setImmediate(() => {
        this.#heldSince = undefined;
      });
    }
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      statement = 'start transaction';
      if (settings.isolationLevel) statement += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) statement += ` ${settings.accessMode}`;
    }
    await connection.executeQuery(CompiledQuery.raw(statement));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  /**
   * Lets the next caller have the connection, then, once statements have held the event loop
   * STATEMENTS_HOLD_MS, waits for a turn of it: between two statements or transactions, never
   * inside one, where the connection would stay held and every waiting report with it.
   */
  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
    if (this.#heldSince !== undefined && performance.now() - this.#heldSince > STATEMENTS_HOLD_MS) await nextTurn();
  }

  async destroy(): Promise<void> {}
}

/** A Kysely dialect over an open PGlite instance (closed by its owner, not by `destroy`). */
export function pgliteDialect(lite: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgliteDriver(lite),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
