// Service benchmark on loopback: plain HTTP, plain HTTPS, and the inventory bundle with native mTLS + JWT, in one
// run, with autocannon as the load generator (keep-alive connections, so each connection does one TLS handshake).
// Scenarios are measured in alternating rounds and the median round is reported, so a burst of other load on the
// machine skews one round of every scenario rather than all rounds of one.
// Usage: npm run bench:services   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS override the defaults)
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:net';
import { bundle, writeOutputs } from './build-services.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP_SECONDS = 2;
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
  openssl('req', '-x509', '-new', '-key', file('ca.key'), '-subj', '/CN=bench platform CA', '-days', '1', '-out', file('ca.crt'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  for (const [name, sa, ns] of [['inventory', 'inventory', 'shop'], ['ingress', 'ingress-gateway', 'platform-ingress']]) {
    ecKey(`${name}.key`);
    writeFileSync(file(`${name}.ext`), `subjectAltName=URI:spiffe://cluster.local/ns/${ns}/sa/${sa},IP:127.0.0.1\n` +
      'extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n');
    openssl('req', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${name}`, '-out', file(`${name}.csr`));
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '1', '-extfile', file(`${name}.ext`), '-out', file(`${name}.crt`));
  }
}

/** A JWKS file the service hydrates from, and one RS256 access token carrying inventory/read. */
function issueAccessToken() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(file('jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] }));
  const now = Math.floor(Date.now() / 1000);
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', kid: 'bench' })}.${part({
    sub: 'bench-user', iss: `https://cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`, client_id: CLIENT_ID,
    token_use: 'access', scope: 'inventory/read', iat: now, exp: now + 3600,
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
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`server ${args.join(' ').slice(0, 60)} exited with ${child.exitCode}`);
    const accepted = await new Promise((resolve) => connect(port, '127.0.0.1').on('connect', function () {
      this.destroy();
      resolve(true);
    }).on('error', () => resolve(false)));
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

/** Throughput and latency under load, plus the server's CPU per request, which other load on the machine barely moves. */
async function measure(url, options, pid) {
  const cpuBefore = cpuMicros(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  return {
    reqPerSec: Math.round(result.requests.average),
    cpuMicrosPerRequest: Math.round((cpuMicros(pid) - cpuBefore) / result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

/** Starts every server, warms each up, then measures them in alternating rounds; servers are stopped in any case. */
async function runScenarios(scenarios) {
  const servers = [];
  try {
    for (const scenario of scenarios) {
      const { child, port } = await startServer(scenario.args, scenario.env);
      servers.push(child);
      scenario.url = `${scenario.scheme}://127.0.0.1:${port}${scenario.path}`;
      await autocannon({ url: scenario.url, connections: CONNECTIONS, duration: WARMUP_SECONDS, ...scenario.options });
    }
    const rounds = scenarios.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, scenario] of scenarios.entries()) rounds[i].push(await measure(scenario.url, scenario.options, servers[i].pid));
    }
    return scenarios.map((scenario, i) => ({ name: scenario.name, ...median(rounds[i]) }));
  } finally {
    servers.forEach((child) => child.kill('SIGTERM'));
  }
}

function median(results) {
  return [...results].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(results.length / 2)];
}

async function main() {
  issueCertificates();
  const token = issueAccessToken();
  await writeOutputs(join(dir, 'bundle'), await bundle('services/inventory/bench/in-memory-inventory.ts', join(dir, 'bundle', 'inventory-bench.js')));
  const clientTls = { cert: readFileSync(file('ingress.crt')), key: readFileSync(file('ingress.key')), ca: readFileSync(file('ca.crt')) };
  const serviceEnv = {
    HEALTH_PORT: '0', TABLE_NAME: 'unused-in-memory', BENCH_SKU: SKU,
    COGNITO_USER_POOL_ID: USER_POOL_ID, COGNITO_CLIENT_IDS: CLIENT_ID, COGNITO_JWKS_FILE: file('jwks.json'),
  };
  const serverTls = { TLS_CERT_FILE: file('inventory.crt'), TLS_KEY_FILE: file('inventory.key'), TLS_CA_FILE: file('ca.crt') };
  const path = `/inventory/${SKU}`;
  const scenarios = [
    { name: 'plain HTTP (node:http baseline)', args: ['-e', BASELINE_SERVER], env: {}, scheme: 'http', options: {} },
    { name: 'plain HTTPS (node:https, TLS 1.3)', args: ['-e', BASELINE_SERVER], env: serverTls, scheme: 'https', options: {} },
    {
      name: 'inventory: JWT only (istio-ambient mode, plain HTTP)', args: [join(dir, 'bundle', 'inventory-bench.js')],
      env: { ...serviceEnv, MTLS_MODE: 'istio-ambient' }, scheme: 'http', options: { headers: { authorization: `Bearer ${token}` } },
    },
    {
      name: 'inventory: JWT + native mTLS (TLS 1.3, client cert, SPIFFE check)', args: [join(dir, 'bundle', 'inventory-bench.js')],
      env: { ...serviceEnv, ...serverTls, MTLS_MODE: 'native' }, scheme: 'https',
      options: { headers: { authorization: `Bearer ${token}` }, tlsOptions: clientTls },
    },
  ];
  const require = createRequire(import.meta.url);
  console.log(`load generator: autocannon ${require('autocannon/package.json').version}, ${CONNECTIONS} keep-alive connections, ` +
    `median of ${ROUNDS} rounds of ${SECONDS} s per scenario (after a ${WARMUP_SECONDS} s warm-up); node ${process.version}; ` +
    `${cpus().length} CPUs shared by client and server\n`);
  const rows = await runScenarios(scenarios.map((scenario) => ({ ...scenario, path })));
  console.log('| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | failed |\n| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(`| ${row.name} | ${row.reqPerSec} | ${row.p50} | ${row.p99} | ${row.cpuMicrosPerRequest} | ${row.failed} |`);
  }
  const ratio = rows[3].reqPerSec / rows[1].reqPerSec;
  console.log(`\nJWT + native mTLS / plain HTTPS = ${(ratio * 100).toFixed(1)} % (target >= 70 %)`);
  if (rows.some((row) => row.failed > 0)) process.exitCode = 1;
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
