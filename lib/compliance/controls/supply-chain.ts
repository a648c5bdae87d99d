import { podSpecs } from './evidence-readers';
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
];

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
