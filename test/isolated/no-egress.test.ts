import { ecrRegistryHost, pinnedCharts } from '../../lib/constructs/chart-mirror';
import { COMPONENT_IMAGES } from '../../lib/constructs/component-images';
import { cachedImage, UPSTREAM_REGISTRIES } from '../../lib/constructs/image-cache';
import { externalReferences } from '../../lib/evidence/egress-references';
import { HELM_CHART_TYPE } from '../../lib/evidence/cluster-resources';
import { stackTemplates, StackTemplate } from '../../lib/evidence/stack-templates';
import { synthesizedConfiguration } from '../support/synthesized-configurations';
import { SUPPORTED_CONFIGURATIONS, testConfig } from '../support/platform-fixture';
import { buildClusterStack } from '../cluster/cluster-fixture';

const ISOLATED = 'isolated egress';
const config = testConfig(SUPPORTED_CONFIGURATIONS[ISOLATED]);
const registry = ecrRegistryHost(config.env.account, config.env.region);
const stacksOf = (name: string) => stackTemplates(synthesizedConfiguration(name).assembly);
const resourcesOf = (stacks: readonly StackTemplate[], type: string) =>
  stacks.flatMap((s) =>
    Object.values<any>(s.template.Resources ?? {})
      .filter((r) => r.Type === type)
      .map((r) => ({ stack: s.id, ...r })),
  );
const text = (value: unknown) => JSON.stringify(value) ?? '';

describe('isolated egress: the cluster is given nothing outside the account and AWS', () => {
  test('no chart repository, image reference or URL in any chart, values or manifest points elsewhere', () => {
    expect(externalReferences(stacksOf(ISOLATED), registry)).toEqual([]);
  });

  // What the same check finds where charts and images come from the internet: the rule is not vacuous.
  test('with nat egress and no cache, the same check finds the public chart repositories and image registries', () => {
    const found = externalReferences(stacksOf('dev'), registry).map((f) => f.value);
    expect(found).toEqual(expect.arrayContaining(['https://charts.jetstack.io', 'oci://public.ecr.aws/karpenter/karpenter']));
  });

  test('every chart comes from the ECR mirror, and npm run mirror copies every chart any configuration installs', () => {
    const mirrored = pinnedCharts(config.cluster.helm).map((c) => `${c.chart}@${c.version}`);
    for (const name of Object.keys(SUPPORTED_CONFIGURATIONS)) {
      for (const chart of resourcesOf(stacksOf(name), HELM_CHART_TYPE)) {
        expect(mirrored).toContain(`${chart.Properties.Chart}@${chart.Properties.Version}`);
      }
    }
    for (const chart of resourcesOf(stacksOf(ISOLATED), HELM_CHART_TYPE)) {
      expect(chart.Properties.Repository).toBe(`oci://${registry}/platform-charts/${chart.Properties.Chart}`);
    }
  });

  test('the image cache has a rule for each upstream registry and a repository for each image of each installed chart', () => {
    const stacks = stacksOf(ISOLATED);
    const repositories = resourcesOf(stacks, 'AWS::ECR::Repository').map((r) => r.Properties.RepositoryName);
    const rules = resourcesOf(stacks, 'AWS::ECR::PullThroughCacheRule').map((r) => r.Properties.EcrRepositoryPrefix);
    for (const chart of resourcesOf(stacks, HELM_CHART_TYPE)) {
      for (const image of COMPONENT_IMAGES[chart.Properties.Chart].images) {
        expect(repositories).toContain(cachedImage(config.env.account, config.env.region, image).slice(registry.length + 1));
        expect(rules).toContain(UPSTREAM_REGISTRIES[image.split('/')[0]].prefix);
      }
    }
  });
});

/**
 * AWS APIs the cluster's identities may call, by IAM service prefix, and the VPC endpoint service that serves each.
 * Derived from the synthesized policies of every role a pod (Pod Identity) or a node (EC2) assumes, so a new
 * component's permissions name the endpoint it needs; AWS-managed policies are read from the table below.
 */
const ENDPOINT_OF: Readonly<Record<string, string | readonly string[]>> = {
  ec2: 'ec2',
  elasticloadbalancing: 'elasticloadbalancing',
  sqs: 'sqs',
  ssm: 'ssm',
  kms: 'kms',
  eks: 'eks',
  'eks-auth': 'eks-auth',
  dynamodb: 'dynamodb',
  s3: 's3',
  logs: 'logs',
  cloudwatch: 'monitoring',
  sts: 'sts',
  // The API, and the registry nodes pull layers from.
  ecr: ['ecr.api', 'ecr.dkr'],
  'acm-pca': 'acm-pca',
  secretsmanager: 'secretsmanager',
  lambda: 'lambda',
};

/** Services a policy names that the cluster does not call in an isolated VPC, each with why. */
const NOT_CALLED_WHEN_ISOLATED: Readonly<Record<string, string>> = {
  iam: 'Karpenter reads an instance profile only when a node class names a role; ours names the pre-created profile',
  xray: "the CloudWatch agent sends traces only with a traces section in its configuration; the add-on's has none",
  'ecr-public': 'the kubectl handler signs in to ECR Public only for charts in public.ecr.aws; isolated, every chart is in the mirror',
};

/** The services each AWS-managed policy on a pod or node role calls (from the policies' documents). */
const MANAGED_POLICY_SERVICES: Readonly<Record<string, readonly string[]>> = {
  AmazonEKSWorkerNodePolicy: ['ec2', 'eks'],
  AmazonEKSWorkerNodeMinimalPolicy: ['eks-auth'],
  AmazonEC2ContainerRegistryPullOnly: ['ecr'],
  AmazonEKS_CNI_Policy: ['ec2'],
  CloudWatchAgentServerPolicy: ['cloudwatch', 'ec2', 'logs', 'ssm', 'xray'],
  AWSLambdaBasicExecutionRole: ['logs'],
  AWSLambdaVPCAccessExecutionRole: ['ec2'],
  AmazonEC2ContainerRegistryReadOnly: ['ecr'],
  AmazonElasticContainerRegistryPublicReadOnly: ['ecr-public', 'sts'],
};

test('isolated egress: every AWS API a pod, node or in-VPC function may call has a VPC endpoint', () => {
  const stacks = stacksOf(ISOLATED);
  const roles = stacks.flatMap((s) => {
    const resources = s.template.Resources ?? {};
    // Functions placed in the VPC (the kubectl handler and its provider) call AWS from the isolated subnets too.
    const inVpc = new Set(
      Object.values<any>(resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.VpcConfig !== undefined)
        .map((r) => r.Properties.Role?.['Fn::GetAtt']?.[0]),
    );
    return Object.entries<any>(resources)
      .filter(
        ([id, r]) =>
          r.Type === 'AWS::IAM::Role' &&
          (inVpc.has(id) || /pods\.eks\.amazonaws\.com|ec2\.amazonaws\.com/.test(text(r.Properties.AssumeRolePolicyDocument))),
      )
      .map(([id, r]) => ({ stack: s, id, role: r }));
  });
  expect(roles.length).toBeGreaterThan(5);
  const services = new Set<string>();
  for (const { stack, id, role } of roles) {
    const managed = text(role.Properties.ManagedPolicyArns).match(/policy\/(?:service-role\/)?([A-Za-z0-9_-]+)/g) ?? [];
    for (const arn of managed) {
      const name = arn.split('/').pop()!;
      expect(Object.keys(MANAGED_POLICY_SERVICES)).toContain(name);
      MANAGED_POLICY_SERVICES[name].forEach((service) => services.add(service));
    }
    const documents = [
      ...(role.Properties.Policies ?? []).map((p: any) => p.PolicyDocument),
      ...Object.values<any>(stack.template.Resources ?? {})
        .filter((r) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) && text(r.Properties.Roles).includes(`"${id}"`))
        .map((r) => r.Properties.PolicyDocument),
    ];
    for (const statement of documents.flatMap((d) => d.Statement)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of [statement.Action].flat()) services.add(String(action).split(':')[0]);
    }
  }
  const endpoints = resourcesOf(stacks, 'AWS::EC2::VPCEndpoint').map((e) => text(e.Properties.ServiceName));
  const missing = [...services]
    .filter((service) => !(service in NOT_CALLED_WHEN_ISOLATED))
    .filter(
      (service) =>
        ENDPOINT_OF[service] === undefined ||
        ![ENDPOINT_OF[service]].flat().every((endpoint) => endpoints.some((name) => name.includes(`.${endpoint}"`))),
    );
  expect(missing).toEqual([]);
  expect(services.has('sqs')).toBe(true);
});

test('the check finds an image value, an image in a manifest and a URL of another region or registry', () => {
  const chart = (values: unknown) => ({
    Type: HELM_CHART_TYPE,
    Properties: { Repository: `oci://${registry}/platform-charts/x`, Chart: 'x', Values: JSON.stringify(values) },
  });
  const manifest = (objects: unknown[]) => ({
    Type: 'Custom::AWSCDK-EKS-KubernetesResource',
    Properties: { Manifest: JSON.stringify(objects) },
  });
  const stacks: StackTemplate[] = [
    {
      id: 'Probe',
      stackName: 'probe',
      dependencies: [],
      template: {
        Resources: {
          Quay: chart({ image: { repository: 'quay.io/jetstack/cert-manager-controller' } }),
          Hub: chart({ global: { hub: 'docker.io/istio' } }),
          Sidecar: chart({ sidecarImage: 'ghcr.io/x/y:1' }),
          OtherAccount: chart({ image: { repository: '999999999999.dkr.ecr.us-east-1.amazonaws.com/x' } }),
          OtherRegion: chart({ endpoint: 'https://sts.eu-west-1.amazonaws.com' }),
          Pod: manifest([{ kind: 'Pod', spec: { containers: [{ image: 'docker.io/library/busybox:1' }] } }]),
          Fine: chart({
            image: { repository: `${registry}/quay/x` },
            sts: `https://sts.${config.env.region}.amazonaws.com`,
            peer: 'http://orders.shop.svc:8443',
          }),
        },
      },
    },
  ];
  expect(externalReferences(stacks, registry).map((f) => f.path.split('/')[2])).toEqual([
    'Quay',
    'Hub',
    'Sidecar',
    'OtherAccount',
    'OtherRegion',
    'Pod',
  ]);
});

describe('nat egress', () => {
  test('without the cache nothing changes: public charts and images, no cache resources', () => {
    const stacks = stacksOf('dev');
    expect(resourcesOf(stacks, 'AWS::ECR::PullThroughCacheRule')).toEqual([]);
    expect(resourcesOf(stacks, HELM_CHART_TYPE).every((c) => !c.Properties.Repository.includes(registry))).toBe(true);
  });

  test('with imageCache: true the images come from the cache, the charts still from their repositories', () => {
    const { template } = buildClusterStack({}, { imageCache: true });
    const charts = Object.values<any>(template.toJSON().Resources).filter((r) => r.Type === HELM_CHART_TYPE);
    expect(charts.every((c) => !String(c.Properties.Repository).includes(registry))).toBe(true);
    const karpenter = charts.find((c) => c.Properties.Chart === 'karpenter');
    expect(text(karpenter.Properties.Values)).toContain(`${registry}/ecr-public/karpenter/controller`);
  });
});

// An isolated cluster reaches Cognito only through the cognito-idp endpoint, which refuses user pools with a domain
// (Cognito developer guide, "Access Amazon Cognito using an interface endpoint"): the services could not fetch the
// pool's signing keys and would answer every authenticated request 503. In every configuration the Edge stack reads
// them at deploy time and the workloads read them from a mounted ConfigMap, so none needs a path to Cognito.
describe('every configuration: the workloads verify tokens against signing keys the Edge stack read', () => {
  const manifestsOf = (name: string) => {
    const { workloads } = synthesizedConfiguration(name);
    return [...Object.values(workloads.services), ...(workloads.edge ? [workloads.edge] : [])].flat() as any[];
  };
  const jwksFile = (deployment: any) =>
    deployment.spec.template.spec.containers[0].env.find((e: any) => e.name === 'COGNITO_JWKS_FILE')?.value;

  test.each(Object.keys(SUPPORTED_CONFIGURATIONS))('%s: each Deployment reads the keys from its mounted ConfigMap', (name) => {
    const manifests = manifestsOf(name);
    const deployments = manifests.filter((m) => m.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(expect.arrayContaining(['orders', 'inventory']));
    for (const deployment of deployments) {
      const { spec } = deployment.spec.template;
      const mount = spec.containers[0].volumeMounts.find((m: any) => jwksFile(deployment)?.startsWith(`${m.mountPath}/`));
      expect({ deployment: deployment.metadata.name, mounted: mount?.readOnly }).toEqual({
        deployment: deployment.metadata.name,
        mounted: true,
      });
      const volume = spec.volumes.find((v: any) => v.name === mount.name);
      const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name);
      expect(configMap.metadata.namespace).toBe(deployment.metadata.namespace);
      expect(Object.keys(configMap.binaryData)).toEqual([jwksFile(deployment).split('/').pop()]);
    }
    expect(resourcesOf(stacksOf(name), 'Custom::UserPoolSigningKeys').map((k) => k.stack)).toEqual(['Edge']);
  });

  // CloudFormation substitutes a deploy-time value into the manifest's JSON text without escaping it: the JWKS (full of
  // quotes) would break the JSON the kubectl handler parses. Base64 needs no escaping.
  test('the Workloads manifests carry the keys as base64 of the Edge output, never the JSON itself', () => {
    const workloads = stacksOf(ISOLATED).find((s) => s.id === 'Workloads')!;
    const carried =
      text(workloads.template).match(/\{"Fn::Base64":\{"Fn::GetStackOutput":\{[^}]*"OutputName":"[^"]*SigningKeys[^"]*"/g) ?? [];
    expect(carried.length).toBeGreaterThanOrEqual(2);
    expect(text(workloads.template)).not.toMatch(/"Fn::GetStackOutput":\{[^}]*SigningKeys[^}]*\}\}(?!\})/);
  });
});
