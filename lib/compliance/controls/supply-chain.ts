import { ofKind, podSpecs, text } from './evidence-readers';
import { ControlEvidence, SecurityControl } from './security-control';

export const SUPPLY_CHAIN_CONTROLS: readonly SecurityControl[] = [
  {
    id: 'SC-1',
    title: 'ECR repositories: scan on push, immutable tags, encrypted with the data key',
    category: 'supply-chain',
    nist: ['RA-5', 'SI-7', 'SC-28'],
    cisEks: ['5.1.1'],
    implementedIn: ['lib/constructs/service-repository.ts'],
    provenBy: { file: 'test/data/data-stack.test.ts', test: 'one per service: KMS with the data key, scan on push, immutable tags' },
    gateRules: ['ECR1', 'ECROpenAccess'],
    evidence: repositoriesScanImmutableEncrypted,
  },
  {
    id: 'SC-2',
    title: 'Workloads run images from the platform ECR repositories, pinned by digest in prod (tags only in dev, with a warning)',
    category: 'supply-chain',
    nist: ['CM-14', 'SI-7', 'CM-2'],
    cisEks: ['5.1.1'],
    implementedIn: ['lib/workloads.ts', 'lib/charts/workload-settings.ts'],
    provenBy: { file: 'test/stacks/workloads-stack.test.ts', test: 'with digests, every prod image is pinned by its digest' },
    evidence: imagesFromPlatformRepositories,
  },
  {
    id: 'SC-3',
    title: 'EKS add-ons and Helm charts are pinned to reviewed versions',
    category: 'supply-chain',
    nist: ['CM-2', 'CM-6', 'SA-10'],
    cisEks: ['5.1.1'],
    implementedIn: [
      'lib/constructs/cluster-addons.ts',
      'lib/constructs/helm-component.ts',
      'lib/compliance/guard-rules/cluster-controls.guard',
    ],
    provenBy: { file: 'test/cluster/cluster-stack.test.ts', test: 'each add-on is pinned to the configured version' },
    gateRules: ['PLATFORM_EKS_ADDON_VERSION_PINNED'],
    evidence: addonsAndChartsPinned,
  },
  {
    id: 'SC-4',
    title:
      'Deploys come from the delivery workflow only: GitHub OIDC roles, each trusted for one repository environment, ' +
      'holding only the CDK bootstrap roles and image push',
    category: 'supply-chain',
    nist: ['SA-10', 'SA-11', 'SR-3', 'AC-6'],
    implementedIn: ['lib/constructs/deploy-role.ts', 'lib/constructs/github-oidc-provider.ts', '.github/workflows/delivery.yml'],
    provenBy: {
      file: 'test/delivery/delivery-stack.test.ts',
      test: 'only a job of the role environment in this repository, with the STS audience, assumes the role',
    },
    evidence: deployRolesTrustOneEnvironment,
  },
  {
    id: 'SC-5',
    title: 'Only the deploy roles push images: every repository policy denies image writes to any other principal',
    category: 'supply-chain',
    nist: ['SR-4', 'SI-7', 'CM-14'],
    implementedIn: ['lib/constructs/service-repository.ts'],
    provenBy: {
      file: 'test/delivery/delivery-stack.test.ts',
      test: 'is denied to an administrator and allowed through to the deploy role',
    },
    evidence: repositoriesAcceptPushFromDeployRolesOnly,
  },
  {
    id: 'SC-6',
    title: 'Images are rescanned continuously (Inspector enhanced scanning), critical and high findings go to the alarm topic',
    category: 'supply-chain',
    nist: ['RA-5', 'SI-2', 'SI-4'],
    cisEks: ['5.1.1'],
    implementedIn: ['lib/constructs/image-scanning.ts'],
    provenBy: { file: 'test/delivery/image-scanning.test.ts', test: 'continuous enhanced scanning of the platform repositories' },
    evidence: imagesScannedContinuously,
  },
  {
    id: 'SC-7',
    title: "Admission rejects pods whose images are not from the platform's ECR registry (pinned by digest in prod)",
    category: 'supply-chain',
    nist: ['CM-14', 'SI-7', 'CM-7'],
    implementedIn: ['lib/charts/image-admission-policy.ts', 'lib/charts/platform-baseline-chart.ts'],
    provenBy: { file: 'test/charts/image-admission-policy.test.ts', test: 'rejects a foreign image' },
    evidence: admissionAllowsPlatformImagesOnly,
  },
];

const GITHUB_TOKEN_KEYS = { aud: 'token.actions.githubusercontent.com:aud', sub: 'token.actions.githubusercontent.com:sub' };

/** Roles whose trust policy names the GitHub OIDC provider: the delivery deploy roles. */
const githubTrustStatements = (assembly: ControlEvidence['assembly']) =>
  assembly
    .ofType('AWS::IAM::Role')
    .flatMap((role) => role.properties.AssumeRolePolicyDocument?.Statement ?? [])
    .filter((statement: any) => text(statement.Condition).includes('token.actions.githubusercontent.com'));

export function deployRolesTrustOneEnvironment({ assembly }: ControlEvidence): boolean {
  const statements = githubTrustStatements(assembly);
  return (
    statements.length > 0 &&
    statements.every((statement: any) => {
      const equals = statement.Condition?.StringEquals ?? {};
      return (
        statement.Action === 'sts:AssumeRoleWithWebIdentity' &&
        Object.keys(statement.Condition).length === 1 &&
        equals[GITHUB_TOKEN_KEYS.aud] === 'sts.amazonaws.com' &&
        /^repo:[^*?:/]+\/[^*?:/]+:environment:[^*?:]+$/.test(equals[GITHUB_TOKEN_KEYS.sub])
      );
    })
  );
}

/** The image-write actions a repository policy must deny to everyone but the deploy roles. */
const IMAGE_WRITES = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];

export function repositoriesAcceptPushFromDeployRolesOnly({ assembly }: ControlEvidence): boolean {
  return assembly.every('AWS::ECR::Repository', (p) =>
    (p.RepositoryPolicyText?.Statement ?? []).some(
      (s: any) =>
        s.Effect === 'Deny' &&
        (s.Principal === '*' || s.Principal?.AWS === '*') &&
        IMAGE_WRITES.every((action) => [s.Action].flat().includes(action)) &&
        Object.keys(s.Condition ?? {}).join() === 'ArnNotEquals' &&
        Object.keys(s.Condition.ArnNotEquals).join() === 'aws:PrincipalArn',
    ),
  );
}

export function imagesScannedContinuously({ assembly }: ControlEvidence): boolean {
  const continuous = assembly.some(
    'AWS::ECR::RegistryScanningConfiguration',
    (p) => p.ScanType === 'ENHANCED' && (p.Rules ?? []).some((rule: any) => rule.ScanFrequency === 'CONTINUOUS_SCAN'),
  );
  const routed = assembly.some(
    'AWS::Events::Rule',
    (p) =>
      p.State !== 'DISABLED' &&
      (p.EventPattern?.source ?? []).includes('aws.inspector2') &&
      ['CRITICAL', 'HIGH'].every((severity) => (p.EventPattern?.detail?.severity ?? []).includes(severity)) &&
      text(p.Targets).includes('AlarmTopic'),
  );
  return continuous && routed;
}

export function admissionAllowsPlatformImagesOnly({ manifests, profile }: ControlEvidence): boolean {
  const [policy] = ofKind(manifests, 'ValidatingAdmissionPolicy');
  const [binding] = ofKind(manifests, 'ValidatingAdmissionPolicyBinding');
  const expression: string = policy?.spec?.validations?.[0]?.expression ?? '';
  const namespaces: string[] = binding?.spec?.matchResources?.namespaceSelector?.matchExpressions?.[0]?.values ?? [];
  const workloadNamespaces = new Set(ofKind(manifests, 'Deployment').map((d) => String(d.metadata?.namespace)));
  return (
    policy?.spec?.failurePolicy === 'Fail' &&
    binding?.spec?.policyName === policy.metadata.name &&
    (binding.spec.validationActions ?? []).includes('Deny') &&
    /startsWith\('\d{12}\.dkr\.ecr\.[a-z0-9-]+\.[a-z.]+\/'\)/.test(expression) &&
    (profile !== 'prod' || expression.includes('@sha256:[0-9a-f]{64}$')) &&
    workloadNamespaces.size > 0 &&
    [...workloadNamespaces].every((namespace) => namespaces.includes(namespace))
  );
}

export function repositoriesScanImmutableEncrypted({ assembly }: ControlEvidence): boolean {
  return assembly.every(
    'AWS::ECR::Repository',
    (p) =>
      p.ImageScanningConfiguration?.ScanOnPush === true &&
      String(p.ImageTagMutability).startsWith('IMMUTABLE') &&
      p.EncryptionConfiguration?.EncryptionType === 'KMS',
  );
}

export function imagesFromPlatformRepositories({ manifests, profile }: ControlEvidence): boolean {
  return (
    podSpecs(manifests).length > 0 &&
    podSpecs(manifests).every((spec) =>
      (spec.containers as any[]).every(
        (c) => /\.dkr\.ecr\./.test(c.image) && (profile !== 'prod' || /@sha256:[0-9a-f]{64}$/.test(c.image)),
      ),
    )
  );
}

export function addonsAndChartsPinned({ assembly }: ControlEvidence): boolean {
  return (
    assembly.every('AWS::EKS::Addon', (p) => typeof p.AddonVersion === 'string' && p.AddonVersion.length > 0) &&
    assembly.every('Custom::AWSCDK-EKS-HelmChart', (p) => typeof p.Version === 'string' && p.Version.length > 0)
  );
}
