/**
 * `npm run bench`: complete sign-in flows driven by openid-client against provider processes on
 * FerretDB (codes read from a real SMTP receiver), at concurrency 1, 8 and 32, for a password +
 * code tenant, a password-only tenant and the bare oidc-provider; then the cost of one argon2id
 * hash and the memory of one process serving 10,000 tenants. Bounded in count and time; loopback
 * only. Results are printed and written to test-output/bench.json.
 */
import { hash } from '@node-rs/argon2';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDatabase, disconnectDatabase } from '../../adapters/connection.ts';
import { ensureIndexes } from '../../adapters/indexes.ts';
import { startFerretDB } from '../../provider/embedded/ferretdb.ts';
import { indexIdLookups } from '../../provider/embedded/ferretdb-id-index.ts';
import { freePort, stopProcess, waitForPort } from '../../provider/embedded/processes.ts';
import { loadConfig } from '../../provider/config.ts';
import { configureLogger } from '../../provider/logger.ts';
import { MailInbox } from '../../test/support/mail.ts';
import { bareFlow, productFlow, runFlows, type FlowResult } from './flows.ts';
import { createFlowTenants, createManyTenants } from './setup.ts';
import { fmt, peakRssMb, RssWatch, Samples } from './stats.ts';
import { serveTenants, type TenantFigures } from './tenants.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CONCURRENCY = [1, 8, 32];
const ITERATIONS: Record<number, number> = { 1: 20, 8: 8, 32: 4 };
const USERS_PER_WORKER = 10;

configureLogger('warn');
const dir = await mkdtemp(path.join(tmpdir(), 'idp-bench-'));
const database = await startFerretDB(dir);
const inbox = new MailInbox();
const smtpUrl = await inbox.start();
const children: ChildProcess[] = [];
const report: Record<string, unknown> = {};
// Figures from a run where flows failed are not figures of the product working.
let failedFlows = 0;

async function startServer(script: string, env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(root, script), ...(script.endsWith('idp.js') ? ['serve'] : [])],
    {
      env: {
        ...process.env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        MONGODB_URI: database.uri,
        SMTP_URL: smtpUrl,
        LOG_LEVEL: 'error',
        COOKIE_KEYS: 'bench-cookie-key-0123456789abcdef012345',
        CODE_HASH_SECRET: 'bench-code-secret-0123456789abcdef01234',
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  children.push(child);
  await waitForPort(port, 30000, child);
  return { child, url: `http://127.0.0.1:${port}` };
}

function summarize(name: string, concurrency: number, result: FlowResult, watch: RssWatch) {
  const rssMb = Math.round(watch.take());
  failedFlows += result.failures;
  const steps = Object.entries(result.steps).map(
    ([step, samples]) => `${step} ${fmt(samples.percentile(50))}/${fmt(samples.percentile(99))}`,
  );
  const rate = result.flows / result.seconds;
  console.log(
    `  ${name.padEnd(16)} c=${String(concurrency).padEnd(3)} ${rate.toFixed(1).padStart(6)} flows/s  p50/p99 ms: ${steps.join(', ')}; peak RSS ${rssMb} MB${result.failures ? `  FAILURES ${result.failures}` : ''}`,
  );
  report[`${name} c=${concurrency}`] = {
    flowsPerSecond: Number(rate.toFixed(2)),
    failures: result.failures,
    peakRssMb: rssMb,
    steps: Object.fromEntries(
      Object.entries(result.steps).map(([step, s]) => [
        step,
        { p50: s.percentile(50), p99: s.percentile(99) },
      ]),
    ),
  };
  return rate;
}

async function cleanUp() {
  for (const child of children) await stopProcess(child);
  await disconnectDatabase().catch(() => undefined);
  await inbox.stop().catch(() => undefined);
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}

// An interrupted run still stops every process it started. Output piped into a reader that
// stops early (`| head`) ends the printing, not the run, so the clean-up still happens.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

try {
  await connectDatabase(database.uri);
  await ensureIndexes();
  await indexIdLookups(database.dir);
  await createFlowTenants(Math.max(...CONCURRENCY) * USERS_PER_WORKER);

  console.log('Flows (each worker signs in its own users; codes read from the SMTP receiver)');
  const product = await startServer('bin/idp.js', {});
  const bare = await startServer('scripts/bench/bare-provider.ts', {});
  const productRss = new RssWatch(product.child.pid!);
  const bareRss = new RssWatch(bare.child.pid!);
  const rates: Record<string, number> = {};
  for (const concurrency of CONCURRENCY) {
    const iterations = ITERATIONS[concurrency]!;
    const codeFlow = await productFlow(
      `${product.url}/realms/bench-code`,
      'bench-code',
      inbox,
      USERS_PER_WORKER,
    );
    rates[`code ${concurrency}`] = summarize(
      'password + code',
      concurrency,
      await runFlows(
        codeFlow,
        ['identifier', 'password', 'code verify', 'code → callback', 'token'],
        concurrency,
        iterations,
      ),
      productRss,
    );
    const pwdFlow = await productFlow(
      `${product.url}/realms/bench-pwd`,
      'bench-pwd',
      undefined,
      USERS_PER_WORKER,
    );
    summarize(
      'password only',
      concurrency,
      await runFlows(pwdFlow, ['identifier', 'password', 'token'], concurrency, iterations),
      productRss,
    );
    rates[`bare ${concurrency}`] = summarize(
      'bare library',
      concurrency,
      await runFlows(
        await bareFlow(bare.url),
        ['login', 'consent', 'token'],
        concurrency,
        iterations,
      ),
      bareRss,
    );
  }
  productRss.stop();
  bareRss.stop();
  const productPeak = await peakRssMb(product.child.pid!);
  console.log(`  provider peak RSS during the flows: ${productPeak.toFixed(0)} MB`);
  report.providerPeakRssMb = Math.round(productPeak);
  report.codeFlowVsBare = Object.fromEntries(
    CONCURRENCY.map((c) => [c, Number((rates[`code ${c}`]! / rates[`bare ${c}`]!).toFixed(2))]),
  );

  const argon = new Samples();
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await hash('benchmark-password-1');
    argon.add(performance.now() - started);
  }
  console.log(
    `argon2id hash (library defaults): p50 ${fmt(argon.percentile(50))} ms, p99 ${fmt(argon.percentile(99))} ms`,
  );
  report.argon2idMs = { p50: argon.percentile(50), p99: argon.percentile(99) };

  // One process serves every tenant once with the default instance cache (TENANT_CACHE_SIZE),
  // first with Node's own heap sizing, then with the heap bounded as a deployment would bound it.
  const tenantCount = Number(process.env.BENCH_TENANTS ?? 10_000);
  const cacheSize = loadConfig({ TENANT_CACHE_SIZE: process.env.TENANT_CACHE_SIZE ?? '' })
    .tenantCache.max;
  console.log(
    `${tenantCount} tenants: discovery of each from one process, instance cache ${cacheSize}`,
  );
  const ids = await createManyTenants(tenantCount);
  const heaps: Array<[string, Record<string, string>]> = [
    ['Node heap defaults', {}],
    ['heap bounded at 256 MB', { NODE_OPTIONS: '--max-old-space-size=256' }],
  ];
  const tenantReport: Record<string, TenantFigures> = {};
  for (const [label, env] of heaps) {
    const server = await startServer('bin/idp.js', env);
    const figures = await serveTenants({ url: server.url, pid: server.child.pid! }, ids, cacheSize);
    await stopProcess(server.child);
    tenantReport[label] = figures;
    console.log(
      `  ${label.padEnd(22)} ${figures.firstUsePerSecond} tenants/s; RSS ${figures.baselineRssMb} MB ` +
        `with one, ${figures.filledCacheRssMb} MB with ${Math.min(cacheSize, tenantCount)} ` +
        `instances (${figures.perInstanceKb} KB each); peak ${figures.peakRssMb} MB over all`,
    );
  }
  report.tenants = { served: tenantCount, instanceCache: cacheSize, ...tenantReport };

  await mkdir(path.join(root, 'test-output'), { recursive: true });
  await writeFile(
    path.join(root, 'test-output/bench.json'),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  console.log('Written to test-output/bench.json');
  if (failedFlows) {
    console.error(`${failedFlows} flows failed: the figures above are not to be trusted`);
    process.exitCode = 1;
  }
} finally {
  await cleanUp();
}
