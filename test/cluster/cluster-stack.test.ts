import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Dependable } from 'constructs';
import { BOTTLEROCKET_DATA_DEVICE, BOTTLEROCKET_OS_DEVICE } from '../../lib/constructs/bottlerocket-nodegroup';
import { CLOUDWATCH_AGENT_SERVICE_ACCOUNT, VPC_CNI_SERVICE_ACCOUNT } from '../../lib/constructs/cluster-addons';
import { HELM_REPOSITORIES } from '../../lib/constructs/platform-components';
import { KARPENTER_REGISTRY, KARPENTER_SERVICE_ACCOUNT, KARPENTER_VERSION } from '../../lib/constructs/karpenter';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { INGRESS_PORTS } from '../../lib/charts';
import { CONTAINER_INSIGHTS_LOG_GROUPS } from '../../lib/stacks/cluster-stack';
import { buildClusterStack } from './cluster-fixture';
import { PROD_CONTEXT } from '../support/platform-fixture';
import { helmReleases, manifestResources, parseJson } from '../../lib/evidence/cluster-resources';
import { AMBIENT_MESH_LABELS, POD_SECURITY_LABELS, TARGET_READINESS_GATE_LABELS } from '../../lib/charts/namespace';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>;

const PRIVATE_CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/0f1e2d3c-aaaa-bbbb-cccc-123456789012';

let dev: ReturnType<typeof buildClusterStack>;
let prod: ReturnType<typeof buildClusterStack>;
let native: ReturnType<typeof buildClusterStack>;
beforeAll(() => {
  dev = buildClusterStack();
  prod = buildClusterStack({ privateCaArn: PRIVATE_CA_ARN }, PROD_CONTEXT);
  native = buildClusterStack({}, { mtls: 'native' });
});

const resources = (template: Template): Resources => template.toJSON().Resources;
const ofType = (template: Template, type: string) => Object.entries(resources(template)).filter(([, r]) => r.Type === type);
const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } } | unknown) => stack.getLogicalId(construct as never);
/** A cross-stack reference (weak: Fn::GetStackOutput) to an output whose name mentions `name`. */
const crossStackRef = (name: string) => ({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp(name) }) });
/** The same, for plain Jest assertions on template values. */
const refTo = (name: string) => ({ 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringContaining(name) }) });

describe('control plane', () => {
  test('the API endpoint is private only', () => {
    dev.template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
    });
  });

  test('Kubernetes secrets are envelope-encrypted with the cluster-secrets key', () => {
    dev.template.hasResourceProperties('AWS::EKS::Cluster', {
      EncryptionConfig: [{ Resources: ['secrets'], Provider: { KeyArn: crossStackRef('ClusterSecretsKey') } }],
    });
  });

  test('all five control-plane log types are on, into the pre-created encrypted group with retention', () => {
    dev.template.hasResourceProperties('AWS::EKS::Cluster', {
      Logging: {
        ClusterLogging: {
          EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({ Type: type })),
        },
      },
    });
    Template.fromStack(dev.logging).hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/eks/dev-platform/cluster',
      KmsKeyId: Match.anyValue(),
      RetentionInDays: dev.config.logging.retentionDays,
    });
    // The cluster is created after its log group, or EKS would create an unencrypted one first.
    expect(dev.stack.dependencies).toContain(dev.logging);
  });

  test('Kubernetes version comes from config', () => {
    dev.template.hasResourceProperties('AWS::EKS::Cluster', { Version: dev.config.cluster.kubernetesVersion, Name: 'dev-platform' });
  });

  test('authentication is by access entries only, and the creator gets no admin', () => {
    dev.template.hasResourceProperties('AWS::EKS::Cluster', {
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      BootstrapSelfManagedAddons: false,
    });
    const manifests = JSON.stringify(ofType(dev.template, 'Custom::AWSCDK-EKS-KubernetesResource'));
    expect(manifests).not.toContain('aws-auth');
  });

  test("the admin role gets a cluster-scoped admin access policy, and nobody else but the kubectl handler, Karpenter's nodes and namespace-scoped teams", () => {
    const entries = ofType(dev.template, 'AWS::EKS::AccessEntry').map(([, r]) => r.Properties);
    // Team roles have entries too, scoped to their namespaces (test/cluster/team-access.test.ts): never cluster-wide.
    const teams = entries.filter((e) => e.KubernetesGroups?.some((group: string) => group.startsWith('platform-team-')));
    expect(teams).toHaveLength(dev.config.cluster.teams.length);
    for (const entry of teams) expect(entry.AccessPolicies.map((p: any) => p.AccessScope.Type)).toEqual(['namespace']);
    // dev names no admin role: the stack creates one, which only this account's principals IAM allows may assume.
    expect(dev.config.cluster.adminRoleArns).toEqual([]);
    const [adminRoleId] = Object.keys(dev.template.findResources('AWS::IAM::Role')).filter((id) => /^ClusterAdminRole/.test(id));
    const admins = entries.filter((e) => JSON.stringify(e.PrincipalArn) === JSON.stringify({ 'Fn::GetAtt': [adminRoleId, 'Arn'] }));
    expect(admins).toHaveLength(1);
    dev.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${dev.config.env.account}:root` },
          },
        ],
      },
      MaxSessionDuration: 3600,
    });
    for (const entry of admins) {
      expect(entry.AccessPolicies).toEqual([
        {
          AccessScope: { Type: 'cluster' },
          PolicyArn: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']],
          },
        },
      ]);
    }
    const others = entries.filter((e) => !teams.includes(e) && !admins.includes(e));
    expect(others).toHaveLength(2);
    expect(JSON.stringify(others[0].PrincipalArn)).toContain('KubectlProviderHandlerServiceRole');
    // Nodes join as system:nodes through the EC2_LINUX type; no access policy.
    expect(others[1]).toMatchObject({ Type: 'EC2_LINUX', AccessPolicies: [] });
    expect(JSON.stringify(others[1].PrincipalArn)).toContain('KarpenterNodeRole');
  });

  test('Auto Mode is off: compute comes from the explicit node group', () => {
    dev.template.hasResourceProperties('AWS::EKS::Cluster', {
      ComputeConfig: { Enabled: false },
      StorageConfig: { BlockStorage: { Enabled: false } },
    });
    dev.template.resourceCountIs('AWS::EKS::Nodegroup', 1);
  });

  test('compute auto-mode: Auto Mode runs both built-in pools with the minimal node role; no node group, no Karpenter', () => {
    const auto = buildClusterStack({ compute: 'auto-mode' });
    const [[roleId, role]] = ofType(auto.template, 'AWS::IAM::Role').filter(([id]) => id.startsWith('ClusterAutoModeNodeRole'));
    auto.template.hasResourceProperties('AWS::EKS::Cluster', {
      ComputeConfig: { Enabled: true, NodePools: ['system', 'general-purpose'], NodeRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } },
      StorageConfig: { BlockStorage: { Enabled: true } },
    });
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(
      /AmazonEKSWorkerNodeMinimalPolicy.*AmazonEC2ContainerRegistryPullOnly/,
    );
    auto.template.resourceCountIs('AWS::EKS::Nodegroup', 0);
    auto.template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(auto.stack.karpenter).toBeUndefined();
  });
});

describe('kubectl handler in a private cluster', () => {
  test('both functions run in the workload subnets with the kubectl security group', () => {
    const sgId = logicalIdOf(dev.stack, dev.stack.privateCluster.kubectlSecurityGroup.node.defaultChild);
    const functions = ofType(dev.template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    for (const [, fn] of functions) {
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual([refTo('WorkloadSubnet1'), refTo('WorkloadSubnet2')]);
    }
  });

  test('the kubectl security group sends HTTPS only and the control plane admits it on 443', () => {
    const sgId = logicalIdOf(dev.stack, dev.stack.privateCluster.kubectlSecurityGroup.node.defaultChild);
    dev.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'HTTPS out' }],
    });
    dev.template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443,
      ToPort: 443,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
    });
  });

  test('the kubectl layer is the one of the cluster version', () => {
    const layers = ofType(dev.template, 'AWS::Lambda::LayerVersion').map(([, r]) => r.Properties.Description);
    expect(layers).toEqual(expect.arrayContaining([expect.stringContaining('kubectl')]));
  });

  test('the log groups aws-eks-v2 creates for the handlers are encrypted with the platform logs key', () => {
    const groups = ofType(dev.template, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(2);
    for (const [, group] of groups) {
      expect(group.Properties.KmsKeyId).toEqual(refTo('CentralLoggingKey'));
      expect(group.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
    }
  });
});

describe('nodes', () => {
  test('a Bottlerocket managed node group in the workload subnets, sized from config', () => {
    const nodes = dev.config.cluster.nodeGroup;
    dev.template.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'BOTTLEROCKET_x86_64',
      InstanceTypes: nodes.instanceTypes,
      ScalingConfig: { MinSize: nodes.minSize, DesiredSize: nodes.desiredSize, MaxSize: nodes.maxSize },
      Subnets: [Match.objectLike(crossStackRef('WorkloadSubnet1')), Match.objectLike(crossStackRef('WorkloadSubnet2'))],
    });
    prod.template.hasResourceProperties('AWS::EKS::Nodegroup', {
      InstanceTypes: prod.config.cluster.nodeGroup.instanceTypes,
      ScalingConfig: { MinSize: 3, DesiredSize: 3, MaxSize: 9 },
    });
  });

  test('the launch template requires IMDSv2 with a hop limit of 1', () => {
    dev.template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: Match.objectLike({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 }) }),
    });
  });

  test('both volumes are encrypted with the block-storage key, the data volume sized from config', () => {
    const [[, lt]] = ofType(dev.template, 'AWS::EC2::LaunchTemplate');
    const mappings = lt.Properties.LaunchTemplateData.BlockDeviceMappings;
    expect(mappings.map((m: any) => m.DeviceName)).toEqual([BOTTLEROCKET_OS_DEVICE, BOTTLEROCKET_DATA_DEVICE]);
    for (const mapping of mappings) {
      expect(mapping.Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
      expect(mapping.Ebs.KmsKeyId).toEqual(refTo('BlockStorageKey'));
    }
    expect(mappings[1].Ebs.VolumeSize).toBe(dev.config.cluster.nodeGroup.diskSizeGiB);
  });

  test('Bottlerocket settings: kernel lockdown integrity, no admin container', () => {
    const [[, lt]] = ofType(dev.template, 'AWS::EC2::LaunchTemplate');
    const userData = Buffer.from(lt.Properties.LaunchTemplateData.UserData['Fn::Base64'], 'utf8').toString();
    expect(userData).toContain('lockdown = "integrity"');
    expect(userData).toMatch(/\[settings\.host-containers\.admin\]\nenabled = false/);
  });
});

describe('managed add-ons', () => {
  test('each add-on is pinned to the configured version', () => {
    const versions = dev.config.cluster.addons;
    const expected: Record<string, string> = {
      'vpc-cni': versions.vpcCni,
      coredns: versions.coreDns,
      'kube-proxy': versions.kubeProxy,
      'eks-pod-identity-agent': versions.podIdentityAgent,
      'amazon-cloudwatch-observability': versions.cloudWatchObservability,
      'metrics-server': versions.metricsServer,
    };
    const actual = Object.fromEntries(
      ofType(dev.template, 'AWS::EKS::Addon').map(([, r]) => [r.Properties.AddonName, r.Properties.AddonVersion]),
    );
    expect(actual).toEqual(expected);
  });

  test('vpc-cni enforces network policies', () => {
    dev.template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'vpc-cni', ConfigurationValues: '{"enableNetworkPolicy":"true"}' });
  });

  test('CloudWatch observability collects container logs, with its own Pod Identity role', () => {
    dev.template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-cloudwatch-observability',
      ConfigurationValues: '{"containerLogs":{"enabled":true}}',
      PodIdentityAssociations: [{ ServiceAccount: CLOUDWATCH_AGENT_SERVICE_ACCOUNT, RoleArn: Match.anyValue() }],
    });
  });

  test('Container Insights log groups are pre-created, encrypted and with retention', () => {
    const logging = Template.fromStack(dev.logging);
    for (const name of CONTAINER_INSIGHTS_LOG_GROUPS) {
      logging.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/containerinsights/dev-platform/${name}`,
        KmsKeyId: Match.anyValue(),
        RetentionInDays: dev.config.logging.retentionDays,
      });
    }
  });

  test('networking add-ons come before the nodes, pod add-ons after them (and teardown runs in reverse)', () => {
    const all = resources(dev.template);
    const [nodegroupId] = ofType(dev.template, 'AWS::EKS::Nodegroup')[0];
    const addonId = (name: string) => ofType(dev.template, 'AWS::EKS::Addon').find(([, r]) => r.Properties.AddonName === name)![0];
    expect(all[nodegroupId].DependsOn).toEqual(expect.arrayContaining(['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'].map(addonId)));
    for (const name of ['coredns', 'amazon-cloudwatch-observability']) expect(all[addonId(name)].DependsOn).toContain(nodegroupId);
  });
});

describe('Helm components', () => {
  const charts = (t: Template): any[] =>
    ofType(t, 'Custom::AWSCDK-EKS-HelmChart').map(([id, r]) => ({ id, ...r.Properties, DependsOn: resources(t)[id].DependsOn ?? [] }));

  test('every chart is pinned to the configured version from its repository', () => {
    const helm = dev.config.cluster.helm;
    const pinned = charts(dev.template).map((c) => [c.Chart, c.Repository, c.Version]);
    expect(pinned).toEqual(
      expect.arrayContaining([
        ['aws-load-balancer-controller', HELM_REPOSITORIES.eksCharts, helm.awsLoadBalancerController],
        ['base', HELM_REPOSITORIES.istio, helm.istio],
        ['istiod', HELM_REPOSITORIES.istio, helm.istio],
        ['cni', HELM_REPOSITORIES.istio, helm.istio],
        ['ztunnel', HELM_REPOSITORIES.istio, helm.istio],
        ['gateway', HELM_REPOSITORIES.istio, helm.istio],
        ['cert-manager', HELM_REPOSITORIES.jetstack, helm.certManager],
        ['karpenter-crd', `${KARPENTER_REGISTRY}/karpenter-crd`, KARPENTER_VERSION],
        ['karpenter', `${KARPENTER_REGISTRY}/karpenter`, KARPENTER_VERSION],
        ['secrets-store-csi-driver-provider-aws', HELM_REPOSITORIES.awsSecretsProvider, helm.secretsStoreCsiProviderAws],
      ]),
    );
    expect(pinned).toHaveLength(10);
    expect(charts(prod.template).map((c) => [c.Chart, c.Repository, c.Version])).toContainEqual([
      'aws-privateca-issuer',
      HELM_REPOSITORIES.awsPrivateCaIssuer,
      helm.awsPrivateCaIssuer,
    ]);
  });

  test('the Secrets Store CSI driver re-fetches mounted secrets, so rotated values reach running pods', () => {
    const byChart = Object.fromEntries(charts(dev.template).map((c) => [c.Chart, c]));
    const driver = JSON.parse(byChart['secrets-store-csi-driver-provider-aws'].Values)['secrets-store-csi-driver'];
    expect(driver).toMatchObject({ enableSecretRotation: true, rotationPollInterval: '2m', syncSecret: { enabled: false } });
  });

  test('Istio runs in ambient mode and installs in order base, istiod, cni, ztunnel', () => {
    const byChart = Object.fromEntries(charts(dev.template).map((c) => [c.Chart, c]));
    expect(['base', 'istiod', 'cni', 'ztunnel'].map((chart) => byChart[chart].Release)).toEqual([
      'istio-base',
      'istiod',
      'istio-cni',
      'ztunnel',
    ]);
    expect(['base', 'istiod', 'cni', 'ztunnel'].map((chart) => byChart[chart].Namespace)).toEqual(Array(4).fill('istio-system'));
    expect(JSON.parse(byChart.istiod.Values)).toEqual({ profile: 'ambient' });
    expect(JSON.parse(byChart.cni.Values)).toEqual({ profile: 'ambient' });
    expect(byChart.istiod.DependsOn).toContain(byChart.base.id);
    expect(byChart.cni.DependsOn).toContain(byChart.istiod.id);
    expect(byChart.ztunnel.DependsOn).toContain(byChart.cni.id);
  });

  test('mesh-wide PeerAuthentication is STRICT in ambient mode; native mode installs no Istio', () => {
    const manifests = (t: Template) =>
      ofType(t, 'Custom::AWSCDK-EKS-KubernetesResource').flatMap(([, r]) => parseJson(r.Properties.Manifest).json as any[]);
    const peerAuthentications = (t: Template) => manifests(t).filter((o) => o.kind === 'PeerAuthentication');
    expect(peerAuthentications(dev.template)).toEqual([
      expect.objectContaining({
        apiVersion: 'security.istio.io/v1',
        metadata: expect.objectContaining({ name: 'default', namespace: 'istio-system' }),
        spec: { mtls: { mode: 'STRICT' } },
      }),
    ]);
    expect(charts(native.template).map((c) => c.Chart)).toEqual(
      expect.not.arrayContaining(['istiod', 'ztunnel', 'cni', 'base', 'gateway']),
    );
    expect(peerAuthentications(native.template)).toEqual([]);
  });

  test("the ingress gateway: Istio's gateway chart as a restricted, non-root ClusterIP Service 443 → 8443 with the catalogue's identity", () => {
    const byChart = Object.fromEntries(charts(dev.template).map((c) => [c.Chart, c]));
    const gateway = byChart.gateway;
    expect([gateway.Release, gateway.Namespace]).toEqual([SERVICE_CATALOGUE.ingress.serviceAccount, SERVICE_CATALOGUE.ingress.namespace]);
    const values = JSON.parse(gateway.Values);
    expect(values.serviceAccount).toEqual({ create: true, name: 'ingress-gateway' });
    expect(values.service).toEqual({ type: 'ClusterIP', ports: [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }] });
    expect([INGRESS_PORTS.service, INGRESS_PORTS.container]).toEqual([443, 8443]);
    expect(values.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1337, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.securityContext.sysctls).toBeUndefined();
    expect(values.containerSecurityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(values.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(values.resources.limits).toEqual({ cpu: '1000m', memory: '512Mi' });
    expect(values.labels).toEqual({ 'app.kubernetes.io/name': 'ingress-gateway' });
    // istiod injects the gateway's proxy, so the gateway comes after the mesh.
    expect(gateway.DependsOn).toContain(byChart.ztunnel.id);
  });

  test('the mesh and the platform CA keep their parts where they always were, and depending on either depends on every part', () => {
    const { components } = prod.stack;
    const mesh = components.mesh!;
    const ca = components.platformCa;
    const parts = {
      mesh: [mesh.base, mesh.istiod, mesh.cni, mesh.ztunnel, mesh.strictMtls, mesh.ingressGateway],
      ca: [ca.certManager, ca.privateCaIssuer!, ca.issuers],
    };
    // Construct paths are the releases' logical ids and the acknowledged paths: a new path would reinstall a release.
    expect(parts.mesh.map((part) => part.node.path)).toEqual(
      ['IstioBase', 'Istiod', 'IstioCni', 'Ztunnel', 'MeshStrictMtls', 'IngressGateway'].map((id) => `Cluster/Components/${id}`),
    );
    expect(parts.ca.map((part) => part.node.path)).toEqual(
      ['CertManager', 'AwsPrivateCaIssuer', 'PlatformCa'].map((id) => `Cluster/Components/${id}`),
    );
    expect(components.loadBalancerController.node.path).toBe('Cluster/Components/AwsLoadBalancerController');
    expect(Dependable.of(mesh).dependencyRoots).toEqual(parts.mesh);
    expect(Dependable.of(ca).dependencyRoots).toEqual(parts.ca);
  });

  // The kubectl handler creates a manifest's Namespace with `kubectl create`: made once, here, labelled, and before the
  // gateway chart installs into it (the Workloads ingress chart only adds objects to it).
  test('the ingress namespace is created once, labelled restricted, ambient and target-gated, before the gateway chart installs into it', () => {
    const stacks = [{ id: 'Cluster', stackName: 'dev-platform-cluster', template: dev.template.toJSON(), dependencies: [] }];
    const created = manifestResources(stacks).flatMap((manifest) =>
      manifest.objects
        .filter((o) => o.kind === 'Namespace' && o.name === SERVICE_CATALOGUE.ingress.namespace)
        .map((o) => ({ manifest, o })),
    );
    expect(created).toHaveLength(1);
    // (plus the prune label aws-eks-v2 adds to every object it applies)
    expect(created[0].o.labels).toEqual({
      ...POD_SECURITY_LABELS,
      ...AMBIENT_MESH_LABELS,
      ...TARGET_READINESS_GATE_LABELS,
      [Object.keys(created[0].o.labels).find((key) => key.startsWith('aws.cdk.eks/prune-'))!]: '',
    });
    const [gateway] = helmReleases(stacks).filter((release) => release.namespace === SERVICE_CATALOGUE.ingress.namespace);
    expect(gateway.createNamespace).toBe(false);
    expect([dev.template.toJSON().Resources[gateway.logicalId].DependsOn].flat()).toContain(created[0].manifest.logicalId);
  });

  test('a dependency added on the mesh or the CA itself, which would reach none of their parts, is refused', () => {
    const { components } = buildClusterStack().stack;
    expect([...components.mesh!.node.validate(), ...components.platformCa.node.validate()]).toEqual([]);
    components.mesh!.node.addDependency(components.loadBalancerController);
    components.platformCa.node.addDependency(components.loadBalancerController);
    expect([...components.mesh!.node.validate(), ...components.platformCa.node.validate()]).toEqual([
      expect.stringContaining('Cluster/Components/Mesh has no children'),
      expect.stringContaining('Cluster/Components/CertificateAuthority has no children'),
    ]);
  });

  test('charts install after the nodes and DNS, so teardown uninstalls them while nodes still run', () => {
    const [nodegroupId] = ofType(dev.template, 'AWS::EKS::Nodegroup')[0];
    const corednsId = ofType(dev.template, 'AWS::EKS::Addon').find(([, r]) => r.Properties.AddonName === 'coredns')![0];
    for (const chart of charts(dev.template)) expect(chart.DependsOn).toEqual(expect.arrayContaining([nodegroupId, corednsId]));
  });
});

describe('Pod Identity roles of the Helm components', () => {
  const associations = (t: Template) =>
    ofType(t, 'AWS::EKS::PodIdentityAssociation')
      .map(([, r]) => `${r.Properties.Namespace}/${r.Properties.ServiceAccount}`)
      .sort();
  /** The managed policy attached to the role of an association (namespace/serviceAccount). */
  const policyOf = (t: Template, serviceAccount: string) => {
    const [, association] = ofType(t, 'AWS::EKS::PodIdentityAssociation').find(([, r]) => r.Properties.ServiceAccount === serviceAccount)!;
    const roleId = association.Properties.RoleArn['Fn::GetAtt'][0];
    const policies = ofType(t, 'AWS::IAM::ManagedPolicy').filter(
      ([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    // Karpenter's permissions exceed one managed policy's size limit, so it has two.
    expect(policies).toHaveLength(serviceAccount === KARPENTER_SERVICE_ACCOUNT ? 2 : 1);
    return { role: resources(t)[roleId], statements: policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]) };
  };

  test('only components that call AWS have an identity: the load balancer controller, Karpenter, and the Private CA issuer in prod', () => {
    expect(associations(dev.template)).toEqual(['kube-system/aws-load-balancer-controller', 'kube-system/karpenter']);
    expect(associations(prod.template)).toEqual([
      'cert-manager/aws-privateca-issuer',
      'kube-system/aws-load-balancer-controller',
      'kube-system/karpenter',
    ]);
  });

  test('each role is assumable only by the EKS Pod Identity service, for this account and this cluster', () => {
    for (const serviceAccount of ['aws-load-balancer-controller', 'aws-privateca-issuer', KARPENTER_SERVICE_ACCOUNT]) {
      const { role } = policyOf(prod.template, serviceAccount);
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': prod.config.env.account },
            ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]{8}$/), 'Arn'] } },
          },
        },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('the Private CA issuer may only describe, get and issue certificates of the one configured CA', () => {
    expect(policyOf(prod.template, 'aws-privateca-issuer').statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:IssueCertificate'],
        Resource: PRIVATE_CA_ARN,
      },
    ]);
  });

  test.each([
    ['vpc-cni', VPC_CNI_SERVICE_ACCOUNT, 'AmazonEKS_CNI_Policy'],
    ['amazon-cloudwatch-observability', CLOUDWATCH_AGENT_SERVICE_ACCOUNT, 'CloudWatchAgentServerPolicy'],
  ])(
    'the %s add-on gets its documented policy through Pod Identity, on a role only Pod Identity can assume',
    (addonName, serviceAccount, policy) => {
      const [[, addon]] = ofType(dev.template, 'AWS::EKS::Addon').filter(([, r]) => r.Properties.AddonName === addonName);
      expect(addon.Properties.PodIdentityAssociations).toEqual([
        { ServiceAccount: serviceAccount, RoleArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      ]);
      const role = resources(dev.template)[addon.Properties.PodIdentityAssociations[0].RoleArn['Fn::GetAtt'][0]];
      expect(role.Properties.ManagedPolicyArns).toEqual([
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${policy}`]] },
      ]);
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } },
      ]);
    },
  );

  test('the node role can only join the cluster and pull images: no network permissions on every node', () => {
    const [[, nodegroup]] = ofType(dev.template, 'AWS::EKS::Nodegroup');
    const role = resources(dev.template)[nodegroup.Properties.NodeRole['Fn::GetAtt'][0]];
    expect(role.Properties.ManagedPolicyArns).toEqual(
      ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'].map((policy) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${policy}`]],
      })),
    );
    expect(role.Properties.Policies).toBeUndefined();
  });

  test('no policy in the cluster stack allows every action', () => {
    for (const t of [dev.template, prod.template]) {
      const documents = ofType(t, 'AWS::IAM::ManagedPolicy')
        .map(([, p]) => p.Properties.PolicyDocument)
        .concat(ofType(t, 'AWS::IAM::Policy').map(([, p]) => p.Properties.PolicyDocument));
      const actions = documents.flatMap((d) => d.Statement.flatMap((s: any) => [s.Action].flat()));
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((a: string) => a === '*' || a.endsWith(':*'))).toEqual([]);
    }
  });
});

describe('platform CA', () => {
  const objects = (t: Template) =>
    ofType(t, 'Custom::AWSCDK-EKS-KubernetesResource').flatMap(([, r]) => parseJson(r.Properties.Manifest).json as any[]);

  test('dev bootstraps a self-signed root in the cluster behind the platform-ca ClusterIssuer', () => {
    const kinds = objects(dev.template).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['ClusterIssuer/platform-self-signed', 'Certificate/platform-ca', 'ClusterIssuer/platform-ca']),
    );
    const ca = objects(dev.template).find((o) => o.kind === 'Certificate');
    expect(ca.spec).toMatchObject({ isCA: true, issuerRef: { kind: 'ClusterIssuer', name: 'platform-self-signed' } });
    expect(objects(dev.template).find((o) => o.kind === 'ClusterIssuer' && o.metadata.name === 'platform-ca').spec).toEqual({
      ca: { secretName: 'platform-ca' },
    });
  });

  test('with a Private CA, the platform CA is signed by AWS Private CA through aws-privateca-issuer', () => {
    const all = objects(prod.template);
    expect(all.find((o) => o.kind === 'AWSPCAClusterIssuer').spec).toEqual({ arn: PRIVATE_CA_ARN, region: 'us-east-1' });
    expect(all.find((o) => o.kind === 'Certificate').spec.issuerRef).toEqual({
      group: 'awspca.cert-manager.io',
      kind: 'AWSPCAClusterIssuer',
      name: 'platform-aws-private-ca',
    });
    expect(all.map((o) => o.kind)).not.toContain('SelfSigned');
  });
});

describe('GuardDuty EKS protection', () => {
  test('is off by default in dev, on in prod', () => {
    expect(dev.config.cluster.guardDuty).toBe(false);
    expect(prod.config.cluster.guardDuty).toBe(true);
    dev.template.resourceCountIs('AWS::GuardDuty::Detector', 0);
  });

  test('when configured: EKS audit logs and runtime monitoring with the managed agent', () => {
    prod.template.hasResourceProperties('AWS::GuardDuty::Detector', {
      Enable: true,
      Features: Match.arrayWith([
        { Name: 'EKS_AUDIT_LOGS', Status: 'ENABLED' },
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'RUNTIME_MONITORING', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' }] },
      ]),
    });
  });
});
