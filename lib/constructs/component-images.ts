/**
 * The container images each platform chart runs, by upstream repository (registry host included, no tag), and the
 * chart values that point them somewhere else: what an image cache must hold and how each chart is told to use it.
 * Read from the charts' documented values at the pinned versions (aws-load-balancer-controller `image.repository`;
 * Istio's `global.hub` and ztunnel's `hub`; cert-manager's per-component `image.repository`; aws-privateca-issuer
 * `image.repository`; Karpenter `controller.image.repository`, without the digest its chart pins, since a pull-through
 * cache fills a repository on a pull by tag, not by digest (the cache's immutable tags then pin the image)). Tags stay the charts' own (their appVersion), so a chart upgrade moves its images with it.
 * Kyverno (image signature verification) is absent: its images come from reg.kyverno.io and ghcr.io, which no
 * pull-through cache rule serves, so the configuration refuses it with the image cache (and ComponentSourcing would
 * name the missing entry).
 */
export interface ComponentImages {
  /** Upstream repositories the chart's pods pull from. */
  readonly images: readonly string[];
  /** Values that make the chart pull each image from `cached(image)` instead. */
  readonly values: (cached: (upstreamImage: string) => string) => Record<string, unknown>;
}

const ISTIO_HUB = 'docker.io/istio';

/** The CSI driver subchart's images, by their path under its `linux` values (`image`, `crds.image`, …). */
const CSI_DRIVER_IMAGES: readonly (readonly [readonly string[], string])[] = [
  [['image'], 'registry.k8s.io/csi-secrets-store/driver'],
  [['crds', 'image'], 'registry.k8s.io/csi-secrets-store/driver-crds'],
  [['registrarImage'], 'registry.k8s.io/sig-storage/csi-node-driver-registrar'],
  [['livenessProbeImage'], 'registry.k8s.io/sig-storage/livenessprobe'],
];
const istioHub = (cached: (image: string) => string) => cached(ISTIO_HUB);

export const COMPONENT_IMAGES: Readonly<Record<string, ComponentImages>> = {
  'aws-load-balancer-controller': {
    images: ['public.ecr.aws/eks/aws-load-balancer-controller'],
    values: (cached) => ({ image: { repository: cached('public.ecr.aws/eks/aws-load-balancer-controller') } }),
  },
  base: { images: [], values: () => ({}) },
  // istiod also injects the gateway's proxy (proxyv2) from its hub.
  istiod: { images: [`${ISTIO_HUB}/pilot`, `${ISTIO_HUB}/proxyv2`], values: (cached) => ({ global: { hub: istioHub(cached) } }) },
  cni: { images: [`${ISTIO_HUB}/install-cni`], values: (cached) => ({ global: { hub: istioHub(cached) } }) },
  ztunnel: { images: [`${ISTIO_HUB}/ztunnel`], values: (cached) => ({ hub: istioHub(cached), global: { hub: istioHub(cached) } }) },
  gateway: { images: [`${ISTIO_HUB}/proxyv2`], values: (cached) => ({ global: { hub: istioHub(cached) } }) },
  'cert-manager': {
    images: ['controller', 'webhook', 'cainjector', 'startupapicheck', 'acmesolver'].map((part) => `quay.io/jetstack/cert-manager-${part}`),
    values: (cached) => {
      const image = (part: string) => ({ image: { repository: cached(`quay.io/jetstack/cert-manager-${part}`) } });
      return {
        ...image('controller'),
        webhook: image('webhook'),
        cainjector: image('cainjector'),
        startupapicheck: image('startupapicheck'),
        acmesolver: image('acmesolver'),
      };
    },
  },
  'aws-privateca-issuer': {
    images: ['public.ecr.aws/k1n1h4h4/cert-manager-aws-privateca-issuer'],
    values: (cached) => ({ image: { repository: cached('public.ecr.aws/k1n1h4h4/cert-manager-aws-privateca-issuer') } }),
  },
  // The AWS provider, and the Secrets Store CSI driver it installs as its `secrets-store-csi-driver` subchart.
  'secrets-store-csi-driver-provider-aws': {
    images: ['public.ecr.aws/aws-secrets-manager/secrets-store-csi-driver-provider-aws', ...CSI_DRIVER_IMAGES.map(([, image]) => image)],
    values: (cached) => ({
      image: { repository: cached('public.ecr.aws/aws-secrets-manager/secrets-store-csi-driver-provider-aws') },
      'secrets-store-csi-driver': {
        linux: Object.fromEntries(
          CSI_DRIVER_IMAGES.map(([path, image]) => [
            path[0],
            path.length === 1 ? { repository: cached(image) } : { [path[1]]: { repository: cached(image) } },
          ]),
        ),
      },
    }),
  },
  'karpenter-crd': { images: [], values: () => ({}) },
  karpenter: {
    images: ['public.ecr.aws/karpenter/controller'],
    values: (cached) => ({ controller: { image: { repository: cached('public.ecr.aws/karpenter/controller'), digest: '' } } }),
  },
};
