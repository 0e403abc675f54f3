import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, stopProcess, waitForPort } from '../../provider/embedded/processes.ts';
import { testEnvironment } from './environment.ts';

const cli = fileURLToPath(new URL('../../bin/idp.js', import.meta.url));

/**
 * `idp serve` as a separate process on the test database and SMTP receiver: for restarts and for
 * several processes sharing one database. Its clock is the real one; its public URL is its own
 * address unless given.
 */
export class ChildProvider {
  readonly port: number;
  readonly baseUrl: string;
  #child?: ChildProcess;
  #output = '';
  /** Extra environment for every start of this process, e.g. `{ TRUST_PROXY: 'true' }`. */
  readonly #env: Record<string, string>;

  private constructor(port: number, env: Record<string, string> = {}) {
    this.port = port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.#env = env;
  }

  static async start(
    options: { port?: number; publicUrl?: string; env?: Record<string, string> } = {},
  ): Promise<ChildProvider> {
    const child = new ChildProvider(options.port ?? (await freePort()), options.env);
    await child.start(options.publicUrl);
    return child;
  }

  async start(publicUrl = this.baseUrl): Promise<void> {
    const env = {
      ...process.env,
      ...testEnvironment().env,
      PORT: String(this.port),
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: 'warn',
      ...this.#env,
    };
    this.#child = spawn(process.execPath, [cli, 'serve'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.#child.stdout!, this.#child.stderr!]) {
      stream.on(
        'data',
        (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-200_000)),
      );
    }
    try {
      await waitForPort(this.port, 20000, this.#child);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.#output}`, { cause: error });
    }
  }

  async stop(): Promise<void> {
    if (this.#child) await stopProcess(this.#child);
    this.#child = undefined;
  }

  /** Sends SIGTERM and resolves with the exit code once the process has ended by itself. */
  async terminate(): Promise<number | null> {
    const child = this.#child!;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const code = await exited;
    this.#child = undefined;
    return code;
  }

  get output(): string {
    return this.#output;
  }
}
