/**
 * The last line of defence of `vk-payments serve`. Every listener, hook and timer of ours catches its
 * own failures; if one still reaches the process, Node cannot safely resume (state may be half
 * updated), so the server logs it, stops accepting, answers /readyz 503 and drains within its grace
 * period (the same `close()` as on SIGTERM), then exits non-zero for its supervisor to restart it.
 * Only the CLI installs this: inside tests such a failure must stay loud.
 */
import type { FastifyBaseLogger } from 'fastify';
import { DEFAULT_SHUTDOWN_GRACE_MS, type VkPaymentsServer } from '../http/server.js';

/** How long after the grace period a close that hangs is given before the process exits anyway. */
const HANG_MS = 5_000;

export interface UncaughtGuard {
  /** True once a failure reached the process: the exit code will be non-zero whatever else happens. */
  readonly crashed: boolean;
}

export function drainOnUncaught(
  server: Pick<VkPaymentsServer, 'close'>,
  log: FastifyBaseLogger,
  exit: (code: number) => void = (code) => process.exit(code),
): UncaughtGuard {
  const guard = { crashed: false };
  const crash = (err: unknown, origin: string): void => {
    // Structured, through the server's logger (it redacts authorization headers): the error and where it surfaced.
    log.fatal({ err, origin }, 'uncaught failure: draining, then exiting for the supervisor to restart');
    if (guard.crashed) return; // already draining
    guard.crashed = true;
    process.exitCode = 1;
    setTimeout(() => exit(1), DEFAULT_SHUTDOWN_GRACE_MS + HANG_MS).unref();
    server
      .close()
      .catch((closeErr: unknown) => log.error({ err: closeErr }, 'closing after an uncaught failure failed'))
      .finally(() => exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', (reason) => crash(reason, 'unhandledRejection'));
  return guard;
}
