/**
 * A TCP proxy to PostgreSQL that a test controls, so an outage is real for the server under test
 * without stopping the PostgreSQL other tests use:
 * - `cut()`: the database is away (every socket closed, new connections refused); `open()` brings it back;
 * - `hang()`: the database hangs (connections accepted and left open, nothing forwarded either way);
 *   `resume()` forwards again, what was held first.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class DatabaseProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #hung = false;
  /** Writes held while hung, in the order they arrived. */
  readonly #held: (() => void)[] = [];
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** A proxy in front of the database of `url`, listening; `url` is rewritten to go through it. */
  static async in(url: string): Promise<{ proxy: DatabaseProxy; url: string }> {
    const real = new URL(url);
    const proxy = new DatabaseProxy({ host: real.hostname, port: Number(real.port || 5432) });
    await proxy.open();
    const via = new URL(real);
    via.port = String(proxy.port);
    return { proxy, url: via.toString() };
  }

  async open(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.#sockets.add(from);
        from.on('close', () => {
          this.#sockets.delete(from);
          to.destroy();
        });
        from.on('error', () => from.destroy());
        from.on('data', (chunk: Buffer) => {
          if (this.#hung) this.#held.push(() => to.write(chunk));
          else to.write(chunk);
        });
      }
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (typeof address === 'object' && address) this.port = address.port;
  }

  async cut(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  hang(): void {
    this.#hung = true;
  }

  resume(): void {
    this.#hung = false;
    for (const write of this.#held.splice(0)) write();
  }

  async close(): Promise<void> {
    this.resume();
    if (this.#server?.listening) await this.cut();
  }
}
