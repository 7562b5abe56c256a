/** Types of cluster.mjs, for the server's TypeScript tests. */

export declare const HAPROXY_CONFIG: string;
export declare const DEFAULT_DATABASE_URL: string;

export declare function findHaproxy(): string | null;
/** Host and database of a PostgreSQL URL, without its password. */
export declare function describeDatabase(databaseUrl: string): string;
export declare function ensureDatabase(databaseUrl: string): Promise<boolean>;
export declare function renderHaproxyConfig(
  text: string,
  options: { balancer: string; stats: string; servers: { name: string; address: string }[] },
): string;

export interface ClusterInstance {
  /** `app1`, `app2`, …: its name in HAProxy. */
  readonly name: string;
  /** Its own address, past the balancer. */
  readonly url: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** The tail of what it printed: stderr, and stdout until it listened (all of it with `onOutput`). */
  output(): string;
  start(): Promise<void>;
  /** SIGTERM by default (it drains); resolves with the exit code (or the signal that ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
  kill(): Promise<number | string | null>;
  /** Stop (draining), start, and wait until HAProxy sees it UP. */
  restart(): Promise<void>;
}

/** HAProxy's view of one instance: `UP`, `DOWN`, `UP 1/2` (failing), `DOWN 1/2` (recovering), …; sessions so far. */
export interface BalancedServer {
  status: string;
  sessions: number;
}

export interface Cluster {
  /** The balancer. */
  url: string;
  /** HAProxy's statistics page (`;csv` appended: a table). */
  statsUrl: string;
  databaseUrl: string;
  createdDatabase: boolean;
  instances: ClusterInstance[];
  /** HAProxy's process. */
  readonly balancerPid: number | undefined;
  servers(): Promise<Record<string, BalancedServer>>;
  until(name: string, status: string, ms?: number): Promise<void>;
  /** Stops HAProxy and every instance (SIGINT: no drain). */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  instances?: number;
  databaseUrl?: string;
  port?: number;
  host?: string;
  env?: Record<string, string | undefined>;
  haproxy?: string | null;
  onOutput?: (name: string, line: string) => void;
}

export declare function startCluster(options?: ClusterOptions): Promise<Cluster>;
