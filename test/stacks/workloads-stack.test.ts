import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigErrors } from '../../lib/config';
import { writeGitOpsManifests } from '../../lib/workloads';
import { PROD_CONTEXT, buildPlatform, testConfig } from '../support/platform-fixture';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** The reference environment, built once for every describe below that only reads it (none changes the tree). */
const dev = buildPlatform();

describe('workloads stack (charts applied to the cluster)', () => {
  const { platform } = dev;
  const template = Template.fromStack(platform.workloads!);

  test('the baseline chart and one chart per service are applied through the cluster', () => {
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const ids = Object.keys(manifests);
    expect(ids.some((id) => id.startsWith('platformbaseline'))).toBe(true);
    expect(ids.some((id) => id.startsWith('serviceorders'))).toBe(true);
    expect(ids.some((id) => id.startsWith('serviceinventory'))).toBe(true);
  });

  test('service charts wait for the baseline (namespaces, default-deny) and are deleted before it', () => {
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const baseline = Object.keys(manifests).find((id) => id.startsWith('platformbaseline'))!;
    for (const [id, resource] of Object.entries(manifests)) {
      if (id.startsWith('service')) expect(resource.DependsOn).toContain(baseline);
    }
  });

  test('in ambient mode the ingress chart is applied first and the baseline (its TargetGroupBinding) waits for it', () => {
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const ingress = Object.keys(manifests).filter((id) => id.startsWith('platformingress'));
    expect(ingress).toHaveLength(1);
    const baseline = Object.keys(manifests).find((id) => id.startsWith('platformbaseline'))!;
    expect(manifests[baseline].DependsOn).toContain(ingress[0]);
  });

  test('the ingress gateway admits the load balancer from the configured VPC CIDR only, on 8443', () => {
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const ingress = JSON.stringify(Object.entries(manifests).find(([id]) => id.startsWith('platformingress'))![1]);
    expect(ingress).toContain('{\\"ipBlock\\":{\\"cidr\\":\\"10.10.0.0/16\\"}}],\\"ports\\":[{\\"port\\":8443,\\"protocol\\":\\"TCP\\"}]');
  });

  test('the stack depends on the cluster stack, so the mesh and cert-manager CRDs exist before the charts', () => {
    expect(platform.workloads!.dependencies.map((s) => s.node.id)).toEqual(expect.arrayContaining(['Cluster']));
  });

  test('each service gets its own table name', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-KubernetesResource', {
      Manifest: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('"name":"TABLE_NAME","value":"dev-platform-data-orders"')])]),
      }),
    });
  });
});

describe('prod deploys only images pinned by digest', () => {
  test('without digests, prod synthesizes the platform without workloads and says so', () => {
    const { app, platform } = buildPlatform(PROD_CONTEXT);
    expect(platform.workloads).toBeUndefined();
    app.synth();
    const warnings = app.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings.join('\n')).toMatch(/prod synthesizes no workloads: set -c imageDigests/);
  });

  test('with digests, every prod image is pinned by its digest', () => {
    const { platform } = buildPlatform({ ...PROD_CONTEXT, imageDigests: `orders=${DIGEST},inventory=${DIGEST}` });
    const text = JSON.stringify(Template.fromStack(platform.workloads!).toJSON());
    expect(text.split(`@${DIGEST}`)).toHaveLength(3); // orders and inventory
    expect(text).not.toContain(':0.1.0');
  });

  test('a malformed digest is a config error naming the field and the fix', () => {
    expect(() => testConfig({ imageDigests: 'orders=latest' })).toThrow(ConfigErrors);
    expect(() => testConfig({ imageDigests: 'orders=latest' })).toThrow(
      /workloads\.imageDigests\.orders="latest": use the image digest ECR shows/,
    );
    expect(() => testConfig({ imageDigests: 'orders' })).toThrow(/write entries as <service>=<value>/);
  });

  test('annotations stay warnings, never errors, for the reference environment', () => {
    Annotations.fromStack(dev.platform.workloads!).hasNoError('*', Match.anyValue());
  });
});

describe('GitOps manifests', () => {
  const { platform } = dev;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifests-'));
  const files = writeGitOpsManifests(outdir, platform.gitOps!.charts, platform.gitOps!.deployTimeValues);

  test('one YAML file per chart, in apply order', () => {
    expect(files.map((f) => path.basename(f))).toEqual([
      '00-platform-ingress.k8s.yaml',
      '01-platform-baseline.k8s.yaml',
      '02-service-orders.k8s.yaml',
      '03-service-inventory.k8s.yaml',
    ]);
  });

  test('deploy-time values are ${NAME} placeholders listed with their source; no CDK token leaks', () => {
    const yaml = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(yaml).not.toMatch(/\$\{Token\[/);
    expect(yaml).toContain('value: ${COGNITO_USER_POOL_ID}');
    expect(yaml).toContain('targetGroupARN: ${INGRESS_TARGET_GROUP_ARN}');
    expect(yaml).toContain('image: ${ORDERS_REPOSITORY_URI}:0.1.0');
    const env = fs.readFileSync(path.join(outdir, 'deploy-time-values.env'), 'utf8');
    for (const value of platform.gitOps!.deployTimeValues) expect(env).toContain(`${value.name}=`);
  });

  test('a token without a placeholder is refused rather than written into a manifest', () => {
    const missing = platform.gitOps!.deployTimeValues.filter((v) => v.name !== 'COGNITO_USER_POOL_ID');
    expect(() => writeGitOpsManifests(fs.mkdtempSync(path.join(os.tmpdir(), 'manifests-')), platform.gitOps!.charts, missing)).toThrow(
      /still holds the CDK token/,
    );
  });
});

describe('native mTLS mode runs the edge proxy as the ingress', () => {
  const { platform } = buildPlatform({ mtls: 'native' });
  const template = Template.fromStack(platform.workloads!);

  test('the data stack holds an image repository for the edge, and only in native mode', () => {
    expect([...platform.data.repositories.keys()]).toEqual(['orders', 'inventory', 'ingress-gateway']);
    expect([...dev.platform.data.repositories.keys()]).toEqual(['orders', 'inventory']);
  });

  test('the edge chart is applied after the baseline, admits the VPC CIDR on 8443 and gets the token settings', () => {
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const [edgeId, edge] = Object.entries(manifests).find(([id]) => id.startsWith('platformedge'))!;
    const baseline = Object.keys(manifests).find((id) => id.startsWith('platformbaseline'))!;
    expect(manifests[edgeId].DependsOn).toContain(baseline);
    const text = JSON.stringify(edge);
    expect(text).toContain('{\\"ipBlock\\":{\\"cidr\\":\\"10.10.0.0/16\\"}}],\\"ports\\":[{\\"port\\":8443,\\"protocol\\":\\"TCP\\"}]');
    expect(text).toContain('\\"name\\":\\"COGNITO_USER_POOL_ID\\"');
  });

  test('the GitOps manifests name the edge repository as a deploy-time value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-native-'));
    try {
      const files = writeGitOpsManifests(dir, platform.gitOps!.charts, platform.gitOps!.deployTimeValues);
      const edge = fs.readFileSync(
        files.find((f) => f.includes('platform-edge'))!,
        'utf8',
      );
      expect(edge).toContain('image: ${INGRESS_GATEWAY_REPOSITORY_URI}:0.1.0');
      expect(fs.readFileSync(path.join(dir, 'deploy-time-values.env'), 'utf8')).toContain('INGRESS_GATEWAY_REPOSITORY_URI=');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
