// Service benchmark on loopback, in one run: bare node:http and node:https handlers, the inventory bundle (JWT only, and
// JWT + native mTLS), a bare proxy (node:https + undici, no checks) and the edge bundle in native mode, both forwarding
// to an inventory bundle over mTLS. autocannon is the load generator (keep-alive connections, so each connection does
// one TLS handshake).
// The figure compared is the server's CPU time per request on open connections (user + system, from /proc, from the
// first second of a round on, when every connection has done its handshake); req/s and latency are reported
// alongside. Fairness: every row, the bare baselines included, receives the same request bytes (the same
// path and the same Authorization header), so a ratio to a baseline measures the request handling, not the parsing
// of a longer header.
// Other load on the shared CPUs moves CPU per request less than req/s, but still by tens of percent. So scenarios are
// measured in alternating rounds and each figure is the median over the rounds (a burst of other load skews one round
// of every scenario rather than all rounds of one), and a ratio to the HTTPS baseline is taken within each round,
// against the baseline measured again right before the row (seconds apart: the load on the machine drifts within a
// round), then its median over the rounds is reported with its range.
// Targets are reported, not asserted: the exit code is non-zero only when requests failed.
// Usage: npm run bench:services   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS override the defaults;
// BENCH_SCENARIOS=https,native runs only the scenarios with those ids: http, https, jwt, native, bare-proxy, edge;
// BENCH_CPU_PROF=<dir> writes each server's V8 CPU profile to that folder)
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:net';
import { bundle, writeOutputs } from './build-services.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
// The first second of a round holds the connections' handshakes and is not counted (measure): a round needs more.
if (!Number.isInteger(SECONDS) || SECONDS < 2) {
  console.error(`BENCH_SECONDS=${process.env.BENCH_SECONDS}: a round needs a whole number of seconds, 2 or more`);
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// V8 optimizes a function after it has run enough, not after some time: the edge, several times slower per request
// than a bare handler, needs as many requests as it to reach steady code, so the warm-up is a request count.
const WARMUP_REQUESTS = 15_000;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const SKU = 'bench-sku';
const USER_POOL_ID = 'eu-west-1_BenchPool1';
const CLIENT_ID = 'bench-client';
const dir = mkdtempSync(join(tmpdir(), 'bench-services-'));
const file = (name) => join(dir, name);

/** A platform CA, inventory's server certificate and the ingress client certificate, as cert-manager would issue. */
function issueCertificates() {
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = (name) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(name));
  ecKey('ca.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca.key'),
    '-subj',
    '/CN=bench platform CA',
    '-days',
    '1',
    '-out',
    file('ca.crt'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  );
  for (const [name, sa, ns] of [
    ['inventory', 'inventory', 'shop'],
    ['ingress', 'ingress-gateway', 'platform-ingress'],
  ]) {
    ecKey(`${name}.key`);
    writeFileSync(
      file(`${name}.ext`),
      `subjectAltName=URI:spiffe://cluster.local/ns/${ns}/sa/${sa},IP:127.0.0.1\n` +
        'extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n',
    );
    openssl('req', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${name}`, '-out', file(`${name}.csr`));
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.crt`),
    );
  }
}

/** A JWKS file the service hydrates from, and one RS256 access token carrying inventory/read. */
function issueAccessToken() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(
    file('jwks.json'),
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] }),
  );
  const now = Math.floor(Date.now() / 1000);
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', kid: 'bench' })}.${part({
    sub: 'bench-user',
    iss: `https://cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`,
    client_id: CLIENT_ID,
    token_use: 'access',
    scope: 'inventory/read',
    iat: now,
    exp: now + 3600,
  })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
}

// The baselines answer the same JSON as the service, from node:http / node:https with TLS 1.3 and no client certificate.
const BASELINE_SERVER = `
const body = JSON.stringify({ sku: '${SKU}', quantity: 100, version: 1 });
const handler = (req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
const fs = require('node:fs');
const server = process.env.TLS_CERT_FILE
  ? require('node:https').createServer({ cert: fs.readFileSync(process.env.TLS_CERT_FILE), key: fs.readFileSync(process.env.TLS_KEY_FILE), minVersion: 'TLSv1.3', keepAliveTimeout: 65000 }, handler)
  : require('node:http').createServer({ keepAliveTimeout: 65000 }, handler);
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

// The floor for a proxy: a node:https listener (TLS 1.3, no client certificate, like the edge's) forwarding the path
// and the Authorization header to inventory with undici over mTLS (the ingress certificate, a connector built once,
// pool.dispatch with a handler collecting the reply), and answering with the reply's bytes: no routing, no token,
// scope or body checks, no access log, no retries or timeouts.
const BARE_PROXY_SERVER = `
const fs = require('node:fs');
const { buildConnector, Pool } = require(process.env.UNDICI_PATH);
const tls = { cert: fs.readFileSync(process.env.TLS_CERT_FILE), key: fs.readFileSync(process.env.TLS_KEY_FILE) };
const pool = new Pool(process.env.UPSTREAM_URL, {
  connections: 32, connect: buildConnector({ ...tls, ca: fs.readFileSync(process.env.TLS_CA_FILE), minVersion: 'TLSv1.3' }),
});
const handler = (req, res) => {
  const chunks = [];
  let status = 0;
  pool.dispatch({ method: req.method, path: req.url, headers: { authorization: req.headers.authorization } }, {
    onConnect() {},
    onHeaders(statusCode) { status = statusCode; return true; },
    onData(chunk) { chunks.push(chunk); return true; },
    onComplete() {
      const body = Buffer.concat(chunks);
      res.writeHead(status, ['content-type', 'application/json', 'content-length', body.length]).end(body);
    },
    onError() { res.writeHead(502).end(); },
  });
};
require('node:https').createServer({ ...tls, minVersion: 'TLSv1.3', keepAliveTimeout: 65000 }, handler)
  .listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

/** A port that was free a moment ago, so servers can log to /dev/null instead of reporting the port they got. */
function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server process on a free port and resolves once it accepts connections. Its output goes to /dev/null:
 * piping access logs into this process would tax the load generator, which shares the CPUs.
 */
async function startServer(args, env) {
  const port = await freePort();
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...args], {
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`server ${args.join(' ').slice(0, 60)} exited with ${child.exitCode}`);
    const accepted = await new Promise((resolve) =>
      connect(port, '127.0.0.1')
        .on('connect', function () {
          this.destroy();
          resolve(true);
        })
        .on('error', () => resolve(false)),
    );
    if (accepted) return { child, port };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server ${args.join(' ').slice(0, 60)} did not listen on ${port}`);
}

/** CPU time (user + system) a process has used, in microseconds, from /proc (Linux). */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

/**
 * Throughput and latency under load, plus the CPU per request of each server process (the front one first). The CPU
 * per request is counted from autocannon's first one-second tick to the end of the round: every connection's TLS
 * handshake falls in the first second, so the figure is what a request costs on an open connection, whatever the round
 * length (a new mTLS connection costs inventory milliseconds of CPU, and every round opens CONNECTIONS of them).
 */
async function measure(url, options, pids) {
  let firstSecond;
  const result = await new Promise((resolve, reject) => {
    const run = autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options }, (err, done) =>
      err ? reject(err) : resolve(done),
    );
    run.once('tick', ({ counter }) => {
      firstSecond = { cpu: pids.map(cpuMicros), requests: counter };
    });
  });
  if (!firstSecond || result.requests.total <= firstSecond.requests)
    throw new Error(`no request after the first second of a ${SECONDS} s round`);
  const steadyRequests = result.requests.total - firstSecond.requests;
  const cpuPerRequest = pids.map((pid, i) => (cpuMicros(pid) - firstSecond.cpu[i]) / steadyRequests);
  return {
    reqPerSec: result.requests.average,
    cpuMicrosPerRequest: cpuPerRequest[0],
    upstreamCpuMicrosPerRequest: cpuPerRequest[1],
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * Starts a scenario's server, after its upstream if it has one (the scenario's `env` then takes the upstream's port),
 * and resolves with the URL to load and the processes whose CPU is measured.
 */
async function startScenario(scenario, started) {
  const upstream = scenario.upstream && (await startServer(scenario.upstream.args, scenario.upstream.env));
  if (upstream) started.push(upstream.child);
  const server = await startServer(scenario.args, upstream ? scenario.env(upstream.port) : scenario.env);
  started.push(server.child);
  return {
    url: `${scenario.scheme}://127.0.0.1:${server.port}${scenario.path}`,
    pids: upstream ? [server.child.pid, upstream.child.pid] : [server.child.pid],
  };
}

/**
 * Starts every server, warms each up, then measures them in alternating rounds; servers are stopped in any case. A
 * scenario with a `reference` has that scenario measured again right before it in every round, so that its ratio
 * compares two measurements seconds apart (other load on the shared CPUs drifts within a round).
 */
async function runScenarios(scenarios) {
  const started = [];
  try {
    const targets = [];
    for (const scenario of scenarios) {
      const target = await startScenario(scenario, started);
      targets.push(target);
      await autocannon({ url: target.url, connections: CONNECTIONS, amount: WARMUP_REQUESTS, ...scenario.options });
    }
    const measureScenario = (i) => measure(targets[i].url, scenarios[i].options, targets[i].pids);
    const rounds = scenarios.map(() => []);
    const referenceRounds = scenarios.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, scenario] of scenarios.entries()) {
        const reference = scenarios.findIndex((other) => other.id === scenario.reference);
        if (reference >= 0) referenceRounds[i].push((await measureScenario(reference)).cpuMicrosPerRequest);
        rounds[i].push(await measureScenario(i));
      }
    }
    return scenarios.map((scenario, i) => ({ ...scenario, ...summarize(rounds[i]), referenceCpuPerRound: referenceRounds[i] }));
  } finally {
    started.forEach((child) => child.kill('SIGTERM'));
  }
}

function medianOf(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/**
 * The median of each figure over the rounds (each on its own, so one noisy round cannot pick them all); failures add
 * up; the CPU of every round is kept for the ratios.
 */
function summarize(rounds) {
  const median = (key) => medianOf(rounds.map((round) => round[key]));
  return {
    cpuPerRound: rounds.map((round) => round.cpuMicrosPerRequest),
    reqPerSec: median('reqPerSec'),
    cpuMicrosPerRequest: median('cpuMicrosPerRequest'),
    upstreamCpuMicrosPerRequest: rounds[0].upstreamCpuMicrosPerRequest === undefined ? undefined : median('upstreamCpuMicrosPerRequest'),
    p50: median('p50'),
    p99: median('p99'),
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
  };
}

async function main() {
  issueCertificates();
  const token = issueAccessToken();
  const bundleDir = join(dir, 'bundle');
  const inventoryBundle = join(bundleDir, 'inventory-bench.js');
  const edgeBundle = join(bundleDir, 'edge.js');
  await writeOutputs(bundleDir, [
    ...(await bundle('services/inventory/bench/in-memory-inventory.ts', inventoryBundle)),
    ...(await bundle('services/edge/src/index.ts', edgeBundle)),
  ]);
  const cognitoEnv = { COGNITO_USER_POOL_ID: USER_POOL_ID, COGNITO_CLIENT_IDS: CLIENT_ID, COGNITO_JWKS_FILE: file('jwks.json') };
  const inventoryEnv = { ...cognitoEnv, HEALTH_PORT: '0', TABLE_NAME: 'unused-in-memory', BENCH_SKU: SKU };
  const inventoryTls = { TLS_CERT_FILE: file('inventory.crt'), TLS_KEY_FILE: file('inventory.key'), TLS_CA_FILE: file('ca.crt') };
  const nativeInventory = { args: [inventoryBundle], env: { ...inventoryEnv, ...inventoryTls, MTLS_MODE: 'native' } };
  const ingressTls = { cert: readFileSync(file('ingress.crt')), key: readFileSync(file('ingress.key')), ca: readFileSync(file('ca.crt')) };
  const authorized = { headers: { authorization: `Bearer ${token}` } };
  const scenarios = [
    { id: 'http', name: 'plain HTTP (node:http baseline)', args: ['-e', BASELINE_SERVER], env: {}, scheme: 'http', options: authorized },
    {
      id: 'https',
      name: 'plain HTTPS (node:https, TLS 1.3)',
      args: ['-e', BASELINE_SERVER],
      env: inventoryTls,
      scheme: 'https',
      options: authorized,
    },
    {
      id: 'jwt',
      name: 'inventory: JWT only (istio-ambient mode, plain HTTP)',
      args: [inventoryBundle],
      env: { ...inventoryEnv, MTLS_MODE: 'istio-ambient' },
      scheme: 'http',
      options: authorized,
    },
    {
      id: 'native',
      name: 'inventory: JWT + native mTLS (TLS 1.3, client cert, SPIFFE check)',
      ...nativeInventory,
      scheme: 'https',
      reference: 'https',
      options: { ...authorized, tlsOptions: ingressTls },
    },
    {
      id: 'bare-proxy',
      name: 'bare proxy → inventory (node:https + undici dispatch over mTLS, no checks)',
      args: ['-e', BARE_PROXY_SERVER],
      upstream: nativeInventory,
      reference: 'https',
      env: (inventoryPort) => ({
        TLS_CERT_FILE: file('ingress.crt'),
        TLS_KEY_FILE: file('ingress.key'),
        TLS_CA_FILE: file('ca.crt'),
        UPSTREAM_URL: `https://127.0.0.1:${inventoryPort}`,
        UNDICI_PATH: createRequire(import.meta.url).resolve('undici'),
      }),
      scheme: 'https',
      options: authorized,
    },
    {
      // The edge presents the ingress certificate on its listener (INGRESS_LISTENER=tls, no client certificate asked,
      // as behind the load balancer) and to inventory, which admits the ingress identity on its public routes.
      id: 'edge',
      name: 'edge → inventory (native mode: TLS listener, JWT, mTLS upstream)',
      args: [edgeBundle],
      upstream: nativeInventory,
      reference: 'https',
      env: (inventoryPort) => ({
        ...cognitoEnv,
        HEALTH_PORT: '0',
        MTLS_MODE: 'native',
        INGRESS_LISTENER: 'tls',
        TLS_CERT_FILE: file('ingress.crt'),
        TLS_KEY_FILE: file('ingress.key'),
        TLS_CA_FILE: file('ca.crt'),
        INVENTORY_URL: `https://127.0.0.1:${inventoryPort}`,
        // Required by the configuration only: the edge's pools connect on the first request, and none goes to orders.
        ORDERS_URL: 'https://127.0.0.1:9',
      }),
      scheme: 'https',
      options: authorized,
    },
  ];
  const require = createRequire(import.meta.url);
  console.log(
    `load generator: autocannon ${require('autocannon/package.json').version}, ${CONNECTIONS} keep-alive connections, ` +
      `median of ${ROUNDS} rounds of ${SECONDS} s per scenario (after ${WARMUP_REQUESTS} warm-up requests); node ${process.version}; ` +
      `${cpus().length} CPUs shared by client and servers; every row sends the same Authorization header\n`,
  );
  const only = process.env.BENCH_SCENARIOS?.split(',');
  const rows = await runScenarios(
    scenarios.filter((scenario) => !only || only.includes(scenario.id)).map((scenario) => ({ ...scenario, path: `/inventory/${SKU}` })),
  );
  console.log(
    '| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | upstream (inventory) CPU µs/req | failed |\n' +
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const row of rows) {
    const upstream = row.upstreamCpuMicrosPerRequest === undefined ? '' : Math.round(row.upstreamCpuMicrosPerRequest);
    console.log(
      `| ${row.name} | ${Math.round(row.reqPerSec)} | ${row.p50} | ${row.p99} | ${Math.round(row.cpuMicrosPerRequest)} | ` +
        `${upstream} | ${row.failed} |`,
    );
  }
  const byId = (id) => rows.find((row) => row.id === id);
  const baseline = byId('https');
  console.log(
    `\nserver CPU per request relative to the bare HTTPS handler (median of the per-round ratios; range over rounds), ` +
      `and p99 at ${CONNECTIONS} connections:`,
  );
  // Against the reference measured right before the row in the same round where there is one.
  const ratioTo = (row, base) => {
    const paired = row.reference === base.id && row.referenceCpuPerRound.length > 0;
    const ratios = row.cpuPerRound.map((cpu, round) => cpu / (paired ? row.referenceCpuPerRound[round] : base.cpuPerRound[round]));
    return { ratio: medianOf(ratios), range: `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}` };
  };
  for (const [id, label, target] of [
    ['native', 'inventory JWT + native mTLS', 1.3],
    ['bare-proxy', 'bare proxy (the floor for a proxy)'],
    ['edge', 'edge → inventory (edge process)', 2.2],
  ]) {
    const row = byId(id);
    if (!row || !baseline) continue;
    const { ratio, range } = ratioTo(row, baseline);
    const verdict = target === undefined ? 'no target' : `target ≤ ${target}, ${ratio <= target ? 'met' : 'not met'}`;
    console.log(`  ${label}: ${ratio.toFixed(2)}× (${range}; ${verdict}), p99 ${row.p99} ms`);
  }
  const { ratio, range } = byId('edge') && byId('bare-proxy') ? ratioTo(byId('edge'), byId('bare-proxy')) : {};
  if (ratio !== undefined)
    console.log(
      `\nedge process CPU per request relative to the bare proxy's (median of the per-round ratios): ${ratio.toFixed(2)}× (${range})`,
    );
  if (rows.some((row) => row.failed > 0)) {
    console.error('\nsome requests failed (see the failed column): the figures above are not comparable');
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
