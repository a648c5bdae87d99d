import { CreateRepositoryCommand, ECRClient, ECRServiceException, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { profileDefaults } from '../../lib/config/platform-config';
import { pinnedCharts } from '../../lib/constructs/chart-mirror';
import { KARPENTER_REGISTRY } from '../../lib/constructs/karpenter';
import { HELM_REPOSITORIES } from '../../lib/constructs/platform-components';
import { runMirrorCli } from '../../scripts/mirror/cli';
import { chartArchive, FakeHelmRepositories, FakeRegistry, routedFetch } from './support/fake-chart-servers';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const ECR_TOKEN = Buffer.from('AWS:test-password').toString('base64');
const ENV = { CDK_DEFAULT_ACCOUNT: ACCOUNT, AWS_REGION: REGION };
/** What the CLI reads from the dev profile: every chart the platform installs. */
const CHARTS = pinnedCharts(profileDefaults('dev', { account: ACCOUNT, region: REGION }).cluster.helm);
const OCI_CHARTS = CHARTS.filter((chart) => chart.repository.startsWith('oci://'));
const HTTPS_CHARTS = CHARTS.filter((chart) => !chart.repository.startsWith('oci://'));
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const ecr = mockClient(ECRClient);
let helm: FakeHelmRepositories;
let publicEcr: FakeRegistry;
let mirror: FakeRegistry;
/** Every chart's archive digest, as the sources declare it. */
let digests: Map<string, string>;
let dir: string;

beforeAll(async () => {
  helm = await FakeHelmRepositories.start(HTTPS_CHARTS, HELM_REPOSITORIES.eksCharts);
  publicEcr = await FakeRegistry.start({ bearerRealm: 'https://public.ecr.aws/token/' });
  digests = new Map(helm.declared);
  for (const chart of OCI_CHARTS) {
    const name = chart.repository.replace(/^oci:\/\/public\.ecr\.aws\//, '');
    digests.set(`${chart.chart}@${chart.version}`, publicEcr.publishChart(name, chart.version, chartArchive(chart.chart, chart.version)));
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mirror-test-'));
});

afterAll(async () => {
  await Promise.all([helm.stop(), publicEcr.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  mirror = await FakeRegistry.start({ basic: ECR_TOKEN });
  ecr.reset();
  ecr.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [{ authorizationToken: ECR_TOKEN }] });
  ecr.on(CreateRepositoryCommand).resolves({});
});

afterEach(() => mirror.stop());

/** A lock file recording every chart with its source digest, except the overrides (undefined: unrecorded). */
function lockFile(overrides: Record<string, string | undefined> = {}): string {
  const charts = CHARTS.map((chart) => {
    const key = `${chart.chart}@${chart.version}`;
    return { ...chart, digest: key in overrides ? overrides[key] : digests.get(key) };
  }).filter((entry) => entry.digest !== undefined);
  const file = path.join(dir, `lock-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ charts }, null, 2)}\n`);
  return file;
}

async function run(argv: string[], lock: string, env: NodeJS.ProcessEnv = ENV) {
  const out: string[] = [];
  const err: string[] = [];
  const network = routedFetch({
    ...helm.routes(),
    'https://public.ecr.aws': publicEcr.url,
    [`https://${HOST}`]: mirror.url,
  });
  const code = await runMirrorCli({
    argv,
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ecr: new ECRClient({ region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    fetch: network,
    lockFile: lock,
  });
  return { code, plan: out.map((line) => JSON.parse(line)), err };
}

test('the charts mirrored are every chart the platform installs, Helm https repositories and Karpenter OCI charts alike', () => {
  expect(HTTPS_CHARTS.length).toBeGreaterThan(0);
  expect(OCI_CHARTS.map((chart) => chart.chart).sort()).toEqual(['karpenter', 'karpenter-crd']);
  expect(OCI_CHARTS.every((chart) => chart.repository.startsWith(KARPENTER_REGISTRY))).toBe(true);
});

test('a dry run prints one line per chart (source, target, action, digest) and changes nothing', async () => {
  const lock = lockFile();
  const before = fs.readFileSync(lock, 'utf8');
  const { code, plan, err } = await run([], lock);
  expect(code).toBe(0);
  expect(plan).toEqual(
    CHARTS.map(({ repository, chart, version }) => ({
      source: { repository, chart, version },
      target: `${HOST}/platform-charts/${chart}:${version}`,
      action: 'copy',
      digest: digests.get(`${chart}@${version}`),
      record: false,
      reason: 'not in the mirror yet',
    })),
  );
  expect(err).toEqual([
    `mirror: dry run: ${CHARTS.length} to copy, 0 already mirrored, 0 refused; nothing changed (rerun with --apply to copy)`,
  ]);
  expect(mirror.writes()).toEqual([]);
  expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  expect(fs.readFileSync(lock, 'utf8')).toBe(before);
});

test('--apply creates each repository (immutable tags, scan on push, KMS) and pushes the chart as Helm pulls it', async () => {
  const { code, err } = await run(['--apply'], lockFile());
  expect(code).toBe(0);
  expect(err[0]).toMatch(new RegExp(`^mirror: copied ${CHARTS.length}, 0 already mirrored, 0 recorded in `));
  expect(ecr.commandCalls(CreateRepositoryCommand).map((call) => call.args[0].input)).toEqual(
    CHARTS.map((chart) => ({
      repositoryName: `platform-charts/${chart.chart}`,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS' },
    })),
  );
  for (const chart of CHARTS) {
    const name = `platform-charts/${chart.chart}`;
    const stored = mirror.manifests.get(`${name}:${chart.version}`);
    expect(stored?.contentType).toBe('application/vnd.oci.image.manifest.v1+json');
    const manifest = JSON.parse(stored!.body.toString());
    expect(manifest).toMatchObject({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json' },
      layers: [
        { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: digests.get(`${chart.chart}@${chart.version}`) },
      ],
    });
    const config = mirror.blobs.get(`${name}@${manifest.config.digest}`)!;
    expect(manifest.config.size).toBe(config.length);
    expect(JSON.parse(config.toString())).toEqual({
      apiVersion: 'v2',
      name: chart.chart,
      version: chart.version,
      description: `fake ${chart.chart}`,
    });
    const layer = mirror.blobs.get(`${name}@${manifest.layers[0].digest}`)!;
    expect([sha256(layer), manifest.layers[0].size]).toEqual([manifest.layers[0].digest, layer.length]);
  }
});

test('a rerun skips what the mirror holds with the recorded digest and writes nothing', async () => {
  const lock = lockFile();
  expect((await run(['--apply'], lock)).code).toBe(0);
  const writes = mirror.writes().length;
  ecr.resetHistory();
  const { code, plan, err } = await run(['--apply'], lock);
  expect(code).toBe(0);
  expect(plan.map((line) => [line.action, line.reason])).toEqual(CHARTS.map(() => ['skip', 'already mirrored with this digest']));
  expect(err[0]).toMatch(new RegExp(`^mirror: copied 0, ${CHARTS.length} already mirrored, 0 recorded in `));
  expect(mirror.writes()).toHaveLength(writes);
  expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
});

describe('digest pinning', () => {
  const certManager = CHARTS.find((chart) => chart.chart === 'cert-manager')!;
  const karpenter = CHARTS.find((chart) => chart.chart === 'karpenter')!;
  const forged = `sha256:${'0'.repeat(64)}`;

  test.each([
    ['a Helm repository', certManager],
    ['an OCI registry', karpenter],
  ])('a source digest that differs from the lock file is refused, naming the chart, expected and got: %s', async (_, chart) => {
    const real = digests.get(`${chart.chart}@${chart.version}`);
    const { code, plan, err } = await run(['--apply'], lockFile({ [`${chart.chart}@${chart.version}`]: forged }));
    expect(code).toBe(1);
    expect(plan.filter((line) => line.action === 'refuse').map((line) => line.source.chart)).toEqual([chart.chart]);
    expect(err[0]).toContain(`mirror: ${chart.chart} ${chart.version}: digest mismatch: expected ${forged} (`);
    expect(err[0]).toContain(`got ${real} from ${chart.repository}`);
    expect(err).toContain(`mirror: ${CHARTS.length - 1} to copy, 0 already mirrored, 1 refused: nothing changed`);
    expect(mirror.writes()).toEqual([]);
    expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  test('an archive that differs from the digest its index declares is refused before anything is pushed', async () => {
    const file = [...helm.files.keys()].find((key) => key.endsWith(`/cert-manager-${certManager.version}.tgz`))!;
    const original = helm.files.get(file)!;
    const tampered = chartArchive('cert-manager', certManager.version);
    tampered[tampered.length - 1] ^= 0xff;
    helm.files.set(file, tampered);
    try {
      const { code, err } = await run(['--apply'], lockFile());
      expect(code).toBe(1);
      expect(err).toEqual([
        `mirror: cert-manager ${certManager.version}: digest mismatch: expected ${digests.get(`cert-manager@${certManager.version}`)}, ` +
          `got ${sha256(tampered)} (downloaded from ${certManager.repository}): nothing pushed`,
      ]);
      expect(mirror.writes()).toEqual([]);
    } finally {
      helm.files.set(file, original);
    }
  });

  test('a tag the mirror already holds with another digest is refused (tags are immutable)', async () => {
    mirror.publishChart(`platform-charts/${certManager.chart}`, certManager.version, chartArchive('cert-manager', '0.0.1'));
    const { code, err } = await run(['--apply'], lockFile());
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^mirror: cert-manager v\S+: digest mismatch: expected sha256:\w+, got sha256:\w+ in \S+ \(immutable tag\)$/);
    expect(mirror.writes()).toEqual([]);
  });

  test('a chart version the lock file does not know is refused without --record', async () => {
    const lock = lockFile({ [`${certManager.chart}@${certManager.version}`]: undefined });
    const before = fs.readFileSync(lock, 'utf8');
    const { code, plan, err } = await run(['--apply'], lock);
    expect(code).toBe(1);
    expect(plan.find((line) => line.source.chart === 'cert-manager')).toMatchObject({ action: 'refuse', record: false });
    expect(err[0]).toContain(`mirror: cert-manager ${certManager.version}: no recorded digest in `);
    expect(err[0]).toContain(
      `the source declares ${digests.get(`cert-manager@${certManager.version}`)}: check it, then rerun with --record`,
    );
    expect(mirror.writes()).toEqual([]);
    expect(fs.readFileSync(lock, 'utf8')).toBe(before);
  });

  test('--record trusts the sources on first use and writes their digests to the lock file, sorted', async () => {
    const lock = path.join(dir, 'empty.json');
    fs.writeFileSync(lock, '{\n  "charts": []\n}\n');
    const dryRun = await run(['--record'], lock);
    expect(dryRun.code).toBe(0);
    expect(dryRun.plan.every((line) => line.action === 'copy' && line.record)).toBe(true);
    expect(fs.readFileSync(lock, 'utf8')).toBe('{\n  "charts": []\n}\n');

    const { code } = await run(['--apply', '--record'], lock);
    expect(code).toBe(0);
    const recorded = JSON.parse(fs.readFileSync(lock, 'utf8')).charts;
    expect(recorded).toEqual(
      [...CHARTS]
        .sort((a, b) => a.chart.localeCompare(b.chart))
        .map((chart) => ({ ...chart, digest: digests.get(`${chart.chart}@${chart.version}`) })),
    );
    expect((await run(['--apply'], lock)).plan.every((line) => line.action === 'skip')).toBe(true);
  });
});

describe('a failure is one line and exit code 1, never a stack trace', () => {
  test('an unreachable source names the URL', async () => {
    const unreachable = HTTPS_CHARTS[0];
    const original = helm.routes;
    helm.routes = () => ({});
    try {
      const { code, err } = await run([], lockFile());
      expect(code).toBe(1);
      expect(err).toEqual([
        `mirror: GET ${unreachable.repository}/index.yaml: test network: ${new URL(unreachable.repository).origin} is not routed to 127.0.0.1`,
      ]);
    } finally {
      helm.routes = original;
    }
  });

  test('a malformed lock file names the file and the entry', async () => {
    const lock = path.join(dir, 'bad.json');
    fs.writeFileSync(lock, JSON.stringify({ charts: [{ repository: 'r', chart: 'c', version: '1', digest: 'md5:abc' }] }));
    const { code, err } = await run([], lock);
    expect(code).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/^mirror: \S*bad\.json: entry .*"md5:abc".* needs repository, chart, version and a sha256:<64 hex> digest$/),
    ]);
  });

  test('an ECR error says to check the credentials', async () => {
    ecr
      .on(GetAuthorizationTokenCommand)
      .rejects(new ECRServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'not authorized' }));
    const { code, err } = await run([], lockFile());
    expect([code, err]).toEqual([1, ['mirror: ECR: not authorized (check the AWS credentials and region)']]);
  });
});
