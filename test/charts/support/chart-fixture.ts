import { Testing } from 'cdk8s';
import { ServiceCatalogue } from '../../../lib/catalogue/service-catalogue';
import { validateServiceCatalogue } from '../../../lib/catalogue/validate-catalogue';
import { REFERENCE_CATALOGUE } from '../../support/catalogue';
import { createPlatformCharts, PlatformChartsProps } from '../../../lib/charts';

/** A synthesized manifest, loosely typed so tests can reach any field. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: any };
  [key: string]: any;
};

export const ACCOUNT = '111111111111';

/** The container security context every workload the charts render must carry (restricted Pod Security, distroless uid). */
export const RESTRICTED_CONTAINER_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
};
export const TARGET_GROUP_ARN = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/ingress/0123456789abcdef`;

/** An ECR image reference pinned by digest. */
export function digestImage(name: string): string {
  return `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}@sha256:${'ab'.repeat(32)}`;
}

export function digestImages(catalogue: ServiceCatalogue): Record<string, string> {
  return Object.fromEntries(catalogue.services.map((s) => [s.name, digestImage(s.name)]));
}

/** Valid prod props for a catalogue (validated here, as bin/ validates it), with overrides. */
export function chartProps(
  overrides: Partial<Omit<PlatformChartsProps, 'catalogue'>> & { catalogue?: ServiceCatalogue } = {},
): PlatformChartsProps {
  const catalogue = overrides.catalogue === undefined ? REFERENCE_CATALOGUE : validateServiceCatalogue(overrides.catalogue);
  return { profile: 'prod', mtls: 'istio-ambient', images: digestImages(catalogue), warn: () => undefined, ...overrides, catalogue };
}

export interface SynthesizedPlatform {
  readonly baseline: Manifest[];
  readonly services: Record<string, Manifest[]>;
  readonly all: Manifest[];
}

export function synthPlatform(props: PlatformChartsProps = chartProps()): SynthesizedPlatform {
  const charts = createPlatformCharts(Testing.app(), props);
  const services = Object.fromEntries(Object.entries(charts.services).map(([name, chart]) => [name, Testing.synth(chart) as Manifest[]]));
  const baseline = Testing.synth(charts.baseline) as Manifest[];
  return { baseline, services, all: [...baseline, ...Object.values(services).flat()] };
}

/** The manifests of a kind, optionally narrowed by name and namespace. */
export function ofKind(manifests: readonly Manifest[], kind: string, name?: string, namespace?: string): Manifest[] {
  return manifests.filter(
    (m) =>
      m.kind === kind &&
      (name === undefined || m.metadata.name === name) &&
      (namespace === undefined || m.metadata.namespace === namespace),
  );
}

/** The one manifest of a kind and name; fails the test if there is not exactly one. */
export function single(manifests: readonly Manifest[], kind: string, name: string, namespace?: string): Manifest {
  const found = ofKind(manifests, kind, name, namespace);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${found.length}`);
  return found[0];
}

/** The catalogue with one more call edge (the only change a team makes to open a path). */
export function withEdge(catalogue: ServiceCatalogue, caller: string, callee: string): ServiceCatalogue {
  return {
    ...catalogue,
    services: catalogue.services.map((s) => (s.name === caller ? { ...s, calls: [...s.calls, callee] } : s)),
  };
}

/**
 * The sample catalogue plus a private service in another namespace that `orders` calls, so cross-namespace
 * edges and services without public routes are covered too.
 */
export const THREE_SERVICE_CATALOGUE: ServiceCatalogue = {
  ...withEdge(REFERENCE_CATALOGUE, 'orders', 'payments'),
  services: [
    ...withEdge(REFERENCE_CATALOGUE, 'orders', 'payments').services,
    {
      name: 'payments',
      namespace: 'billing',
      port: 9443,
      scopes: ['charge'],
      routes: [{ method: 'POST', path: '/payments', scope: 'payments/charge', public: false }],
      calls: [],
      ownsDataPrefix: false,
    },
  ],
};
