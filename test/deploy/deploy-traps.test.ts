import * as cxapi from 'aws-cdk-lib/cx-api';
import { helmReleases, KUBERNETES_MANIFEST_TYPE, manifestResources } from '../../lib/evidence/cluster-resources';
import { resourcesBeforeTheirPrerequisites } from '../../lib/evidence/creation-order';
import {
  crossStackCycles,
  describeTrap,
  kubernetesObjectsBeforeTheirCrds,
  namespacesCreatedTwice,
  StackTemplate,
  stackTemplates,
  unconfirmedStackOutputPositions,
} from '../../lib/evidence/deploy-order';
import { serviceLinkedRolesNotCreatedFirst } from '../../lib/evidence/service-linked-roles';
import { topicsRefusingTheirPublishers } from '../../lib/evidence/topic-publishers';
import { SUPPORTED_CONFIGURATIONS } from '../support/platform-fixture';
import { synthesizedConfiguration } from '../support/synthesized-configurations';

// No deploy-time trap in any configuration the platform supports: each is synthesized once per run (shared with the
// other suites that read templates) and checked by every rule.

const CONFIGURATIONS = SUPPORTED_CONFIGURATIONS;

const RULES = {
  unconfirmedStackOutputPositions,
  crossStackCycles,
  kubernetesObjectsBeforeTheirCrds,
  namespacesCreatedTwice,
  resourcesBeforeTheirPrerequisites,
  topicsRefusingTheirPublishers,
  serviceLinkedRolesNotCreatedFirst,
};

const synthesized = (name: string): cxapi.CloudAssembly => synthesizedConfiguration(name).assembly;

describe.each(Object.keys(CONFIGURATIONS))('%s', (name) => {
  let assembly: cxapi.CloudAssembly;
  beforeAll(() => {
    assembly = synthesized(name);
  });

  test.each(Object.entries(RULES))('%s finds no trap', (_rule, rule) => {
    expect(rule(assembly).map(describeTrap)).toEqual([]);
  });

  // Guards against a vacuous pass: the rules must have read the charts and the objects of both stacks that apply them.
  test('the Kubernetes checks read the charts and every manifest', () => {
    const stacks = stackTemplates(assembly);
    const manifests = manifestResources(stacks);
    expect(manifests.filter((m) => m.unreadable)).toEqual([]);
    expect([...new Set(manifests.filter((m) => m.objects.length > 0).map((m) => m.stack.id))]).toEqual(['Cluster', 'Workloads']);
    expect(manifests.flatMap((m) => m.objects.map((o) => o.kind))).toEqual(
      expect.arrayContaining(['Certificate', 'TargetGroupBinding', 'Deployment']),
    );
    expect(helmReleases(stacks).map((r) => r.chart)).toEqual(expect.arrayContaining(['aws-load-balancer-controller', 'cert-manager']));
  });
});

// The same synthesized templates with one ordering removed: the rules must notice, on real aws-eks-v2 output.
describe('dev with an ordering removed', () => {
  let stacks: StackTemplate[];
  beforeAll(() => {
    stacks = stackTemplates(synthesized('dev'));
  });

  test('a Workloads stack not deployed after the Cluster stack is reported for its references and its objects', () => {
    const detached = stacks.map((s) => (s.id === 'Workloads' ? { ...s, dependencies: [] } : s));
    expect(crossStackCycles(detached).map((trap) => trap.problem)).toContainEqual(
      expect.stringContaining('the manifest does not deploy Workloads after it'),
    );
    expect(kubernetesObjectsBeforeTheirCrds(detached).map((trap) => trap.problem)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /TargetGroupBinding platform-ingress\/ingress-gateway-\w+ .* must come after Cluster\/ComponentsAwsLoadBalancerController/,
        ),
        expect.stringMatching(/AuthorizationPolicy shop\/deny-all .* must come after Cluster\/ComponentsIstiod/),
      ]),
    );
  });

  test('cluster manifests without their DependsOn are reported for the charts they need', () => {
    const cluster = stacks.find((s) => s.id === 'Cluster')!;
    const resources = Object.fromEntries(
      Object.entries(cluster.template.Resources ?? {}).map(([id, resource]) => {
        if (resource.Type !== KUBERNETES_MANIFEST_TYPE) return [id, resource];
        const { DependsOn: _removed, ...rest } = resource;
        return [id, rest];
      }),
    );
    const unordered = stacks.map((s) => (s === cluster ? { ...s, template: { ...s.template, Resources: resources } } : s));
    expect(kubernetesObjectsBeforeTheirCrds(unordered).map((trap) => trap.problem)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Certificate cert-manager\/platform-ca .* must come after Cluster\/ComponentsCertManager/),
        expect.stringMatching(/PeerAuthentication istio-system\/default .* must come after Cluster\/ComponentsIstioBase/),
      ]),
    );
  });
});

/** The dev stacks with every DependsOn of one stack's resources removed. */
function withoutDependsOn(stackId: string): StackTemplate[] {
  return stackTemplates(synthesized('dev')).map((s) => {
    if (s.id !== stackId) return s;
    const resources = Object.fromEntries(
      Object.entries(s.template.Resources ?? {}).map(([id, { DependsOn: _removed, ...rest }]) => [id, rest]),
    );
    return { ...s, template: { ...s.template, Resources: resources } };
  });
}

describe('dev with the detection orderings removed', () => {
  test('a standard not after the hub, a trail not after its bucket policy and a delivery channel not after the recorder are reported', () => {
    const stacks = withoutDependsOn('Detection');
    expect(resourcesBeforeTheirPrerequisites(stacks).map((trap) => trap.problem)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AWS::SecurityHub::Standard \S+ is not ordered after AWS::SecurityHub::Hub/),
        expect.stringMatching(/^AWS::CloudTrail::Trail \S+ is not ordered after AWS::S3::BucketPolicy AuditBucketPolicy/),
        expect.stringMatching(/^AWS::Config::DeliveryChannel \S+ is not ordered after AWS::Config::ConfigurationRecorder/),
      ]),
    );
    expect(resourcesBeforeTheirPrerequisites(stacks).filter((trap) => trap.problem.startsWith('AWS::SecurityHub::Standard'))).toHaveLength(
      2,
    );
  });
});

describe('dev with a publisher left out of the alarm topic or its key', () => {
  /** The dev stacks with `edit` applied to the Logging stack's resources of one type (each a fresh copy). */
  const withLoggingResources = (type: string, edit: (properties: any) => void) =>
    stackTemplates(synthesized('dev')).map((s) => {
      if (s.id !== 'Logging') return s;
      const resources: StackTemplate['template']['Resources'] = JSON.parse(JSON.stringify(s.template.Resources ?? {}));
      for (const resource of Object.values(resources ?? {})) if (resource.Type === type) edit(resource.Properties);
      return { ...s, template: { ...s.template, Resources: resources } };
    });
  const dropStatementsFor = (service: string) => (document: any) => {
    document.Statement = document.Statement.filter((s: any) => ![s.Principal?.Service].flat().includes(service));
  };

  test('a topic policy that names only EventBridge refuses every alarm', () => {
    const stacks = withLoggingResources('AWS::SNS::TopicPolicy', (p) => dropStatementsFor('cloudwatch.amazonaws.com')(p.PolicyDocument));
    const alarms = stacks.flatMap((s) => Object.values(s.template.Resources ?? {})).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const traps = topicsRefusingTheirPublishers(stacks);
    expect(traps.map((trap) => trap.problem)).toEqual([expect.stringContaining(`${alarms.length} AWS::CloudWatch::Alarm (Detection/`)]);
    expect(traps[0].problem).toContain('as cloudwatch.amazonaws.com, which its topic policy does not allow sns:Publish');
  });

  test('a key that does not let EventBridge make data keys refuses the findings rules', () => {
    const stacks = withLoggingResources('AWS::KMS::Key', (p) => dropStatementsFor('events.amazonaws.com')(p.KeyPolicy));
    const rules = stacks
      .flatMap((s) => Object.values(s.template.Resources ?? {}))
      .filter((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties?.Targets).includes('AlarmTopic'));
    const traps = topicsRefusingTheirPublishers(stacks);
    expect(traps.map((trap) => `${trap.stack}/${trap.logicalId}`)).toEqual([expect.stringMatching(/^Logging\/CentralLoggingKey/)]);
    expect(traps[0].problem).toContain(`${rules.length} AWS::Events::Rule (`);
    expect(traps[0].problem).toContain('whose policy does not allow events.amazonaws.com kms:GenerateDataKey or kms:Decrypt');
  });

  test('a key statement for EventBridge under aws:SourceAccount is reported: KMS does not support it for that delivery', () => {
    const stacks = withLoggingResources('AWS::KMS::Key', (p) => {
      for (const statement of p.KeyPolicy.Statement) {
        if ([statement.Principal?.Service].flat().includes('events.amazonaws.com')) {
          statement.Condition = { StringEquals: { 'aws:SourceAccount': '111111111111' } };
        }
      }
    });
    expect(topicsRefusingTheirPublishers(stacks).map((trap) => trap.problem)).toEqual([
      expect.stringContaining('except under aws:SourceAccount or aws:SourceArn, which its calls do not carry'),
    ]);
  });
});

describe('dev with the service-linked role created after the key that names it', () => {
  test("the block-storage key is reported when it no longer depends on the role's creation", () => {
    const stacks = withoutDependsOn('Keys');
    expect(serviceLinkedRolesNotCreatedFirst(stacks).map((trap) => trap.problem)).toEqual([
      expect.stringMatching(/^AWS::KMS::Key KeysBlockStorageKey\w+ names the autoscaling\.amazonaws\.com service-linked role, and nothing/),
    ]);
  });
});
