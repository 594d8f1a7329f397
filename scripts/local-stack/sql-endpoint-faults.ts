import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FaultSettings {
  /** Fixed delay added before every request is answered. */
  delayMs?: number;
  /** Extra delay on the next request only (a Neon compute waking up). */
  firstRequestDelayMs?: number;
  /** The connection is destroyed without an answer (driver: "Error connecting to database"). */
  refuse?: boolean;
  /** Requests are held until stall is cleared (then they proceed) or the endpoint closes. */
  stall?: boolean;
  /**
   * A statement whose text matches the regex source `pattern` fails like a Postgres error (default code
   * 'XX000'); inside a batch it aborts and rolls back the whole batch.
   */
  failQuery?: { pattern: string; code?: string; message?: string };
  /**
   * The answer's status line, headers and first bytes are sent at once, the rest `slowBodyMs` later: a
   * client's deadline can fire after the headers arrived but before the body did.
   */
  slowBodyMs?: number;
  /** The answer's status line, headers and first bytes are sent, then the connection is reset. */
  cutBody?: boolean;
  /**
   * The request runs to its end (a write commits), then the connection is reset before a byte of the
   * answer is sent: the client cannot tell whether its write happened.
   */
  loseAnswer?: boolean;
  /**
   * These settings meet only the next `times` requests of their scope, then clear themselves; without it
   * they stay until cleared. Not with `stall` (a stalled request is released by clearing the stall).
   */
  times?: number;
}

export interface InjectedFailure {
  matches: (statement: string) => boolean;
  code: string;
  message: string;
}

/**
 * How the answer leaves the endpoint: whole, with its body held back, cut off after its first bytes, or
 * not at all (the connection is reset once the request has run).
 */
export type AnswerDelivery =
  | { kind: 'whole' }
  | { kind: 'slow'; bodyDelayMs: number }
  | { kind: 'cut' }
  | { kind: 'lost' };

/** What a request must do once it has been let through the faults. */
export type Admission =
  | { refuse: true }
  | { refuse: false; failure: InjectedFailure | undefined; delivery: AnswerDelivery };

interface ScopedFaults {
  settings: FaultSettings;
  failure: InjectedFailure | undefined;
  firstRequestDelayPending: boolean;
  /** Requests these settings may still meet, when they are count-limited. */
  remaining: number | undefined;
}

/** What one request meets, taken when it is let through (later changes do not reach it). */
interface AppliedFaults {
  settings: FaultSettings;
  failure: InjectedFailure | undefined;
  firstRequestDelayMs: number;
}

/** Fault settings per database name, plus one scope that applies to every database. */
export class FaultRegistry {
  readonly #everyDatabase = Symbol('every database');
  readonly #scopes = new Map<string | symbol, ScopedFaults>();
  readonly #changes = new EventEmitter().setMaxListeners(0);

  set(settings: FaultSettings, database?: string): void {
    validateFaultSettings(settings);
    this.#scopes.set(database ?? this.#everyDatabase, {
      settings: { ...settings },
      failure: settings.failQuery && compileFailure(settings.failQuery),
      firstRequestDelayPending: (settings.firstRequestDelayMs ?? 0) > 0,
      remaining: settings.times,
    });
    this.#changes.emit('change');
  }

  /** Without a database name every scope is cleared, not only the one for every database. */
  clear(database?: string): void {
    if (database === undefined) this.#scopes.clear();
    else this.#scopes.delete(database);
    this.#changes.emit('change');
  }

  /**
   * Holds the request while it is stalled, then waits out its delays. Rejects when `signal` aborts
   * (the endpoint is closing). Settings for the database override those for every database.
   */
  async admit(database: string | undefined, signal: AbortSignal): Promise<Admission> {
    for (;;) {
      const settings = this.#effectiveSettings(database);
      if (settings.refuse || !settings.stall) break;
      await once(this.#changes, 'change', { signal });
    }
    const applied = this.#apply(database);
    if (applied.settings.refuse) return { refuse: true };
    const delayMs = (applied.settings.delayMs ?? 0) + applied.firstRequestDelayMs;
    if (delayMs > 0) await sleep(delayMs, undefined, { signal });
    return { refuse: false, failure: applied.failure, delivery: delivery(applied.settings) };
  }

  /** The faults this request meets; it counts against every count-limited scope that covers it. */
  #apply(database: string | undefined): AppliedFaults {
    const general = this.#general();
    const specific = this.#specificScope(database);
    const applied: AppliedFaults = {
      settings: this.#effectiveSettings(database),
      failure: specific?.failure ?? general?.failure,
      firstRequestDelayMs: this.#takeFirstRequestDelay(database),
    };
    let exhausted = false;
    for (const [key, scope] of this.#scopes) {
      if ((scope !== general && scope !== specific) || scope.remaining === undefined) continue;
      scope.remaining--;
      if (scope.remaining === 0) {
        this.#scopes.delete(key);
        exhausted = true;
      }
    }
    if (exhausted) this.#changes.emit('change');
    return applied;
  }

  #general(): ScopedFaults | undefined {
    return this.#scopes.get(this.#everyDatabase);
  }

  #specificScope(database: string | undefined): ScopedFaults | undefined {
    return database === undefined ? undefined : this.#scopes.get(database);
  }

  #effectiveSettings(database: string | undefined): FaultSettings {
    return { ...this.#general()?.settings, ...this.#specificScope(database)?.settings };
  }

  #takeFirstRequestDelay(database: string | undefined): number {
    for (const scope of [this.#specificScope(database), this.#general()]) {
      if (scope?.firstRequestDelayPending) {
        scope.firstRequestDelayPending = false;
        return scope.settings.firstRequestDelayMs ?? 0;
      }
    }
    return 0;
  }
}

function delivery({ loseAnswer, cutBody, slowBodyMs }: FaultSettings): AnswerDelivery {
  if (loseAnswer) return { kind: 'lost' };
  if (cutBody) return { kind: 'cut' };
  if (slowBodyMs) return { kind: 'slow', bodyDelayMs: slowBodyMs };
  return { kind: 'whole' };
}

function compileFailure(failQuery: NonNullable<FaultSettings['failQuery']>): InjectedFailure {
  const pattern = new RegExp(failQuery.pattern);
  return {
    matches: (statement) => pattern.test(statement),
    code: failQuery.code ?? 'XX000',
    message: failQuery.message ?? `injected fault: statement matches /${failQuery.pattern}/`,
  };
}

function validateFaultSettings(settings: FaultSettings): void {
  for (const key of ['delayMs', 'firstRequestDelayMs', 'slowBodyMs'] as const) {
    const value = settings[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new TypeError(`${key} must be a non-negative number`);
    }
  }
  if (settings.times !== undefined) {
    if (!(Number.isInteger(settings.times) && settings.times > 0)) {
      throw new TypeError('times must be a positive whole number');
    }
    if (settings.stall) throw new TypeError('times cannot limit stall: clear the stall to release requests');
  }
}

/** Reads `{database?, ...FaultSettings}` sent to the control API; throws a TypeError on anything else. */
export function parseFaultRequest(body: unknown): { database: string | undefined; settings: FaultSettings } {
  if (!isRecord(body)) throw new TypeError('expected a JSON object');
  const {
    database,
    delayMs,
    firstRequestDelayMs,
    refuse,
    stall,
    failQuery,
    slowBodyMs,
    cutBody,
    loseAnswer,
    times,
  } = body;
  const settings: FaultSettings = {};
  if (delayMs !== undefined) settings.delayMs = typed(delayMs, 'number', 'delayMs');
  if (firstRequestDelayMs !== undefined) {
    settings.firstRequestDelayMs = typed(firstRequestDelayMs, 'number', 'firstRequestDelayMs');
  }
  if (refuse !== undefined) settings.refuse = typed(refuse, 'boolean', 'refuse');
  if (stall !== undefined) settings.stall = typed(stall, 'boolean', 'stall');
  if (slowBodyMs !== undefined) settings.slowBodyMs = typed(slowBodyMs, 'number', 'slowBodyMs');
  if (cutBody !== undefined) settings.cutBody = typed(cutBody, 'boolean', 'cutBody');
  if (loseAnswer !== undefined) settings.loseAnswer = typed(loseAnswer, 'boolean', 'loseAnswer');
  if (times !== undefined) settings.times = typed(times, 'number', 'times');
  if (failQuery !== undefined) {
    if (!isRecord(failQuery)) throw new TypeError('failQuery must be an object');
    settings.failQuery = { pattern: typed(failQuery.pattern, 'string', 'failQuery.pattern') };
    if (failQuery.code !== undefined)
      settings.failQuery.code = typed(failQuery.code, 'string', 'failQuery.code');
    if (failQuery.message !== undefined) {
      settings.failQuery.message = typed(failQuery.message, 'string', 'failQuery.message');
    }
  }
  validateFaultSettings(settings);
  return { database: database === undefined ? undefined : typed(database, 'string', 'database'), settings };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface TypeNames {
  string: string;
  number: number;
  boolean: boolean;
}

function typed<K extends keyof TypeNames>(value: unknown, type: K, name: string): TypeNames[K] {
  if (typeof value !== type) throw new TypeError(`${name} must be a ${type}`);
  return value as TypeNames[K];
}
