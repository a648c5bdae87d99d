import { HelmChartSource } from './helm-component';
import { karpenterCharts } from './karpenter';
import { HelmVersions, platformCharts } from './platform-components';

/**
 * The ECR namespace the platform's Helm charts are mirrored to for a cluster without internet egress: each chart is
 * an OCI artifact in the private repository `<CHART_MIRROR_NAMESPACE>/<chart>`, tagged with its version
 * (`npm run mirror` puts it there, before the first deploy).
 */
export const CHART_MIRROR_NAMESPACE = 'platform-charts';

/** The account's private ECR registry host in a region. */
export function ecrRegistryHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com`;
}

/** The OCI address of the chart mirror in an account and region, as Helm and the kubectl handler take it. */
export function chartMirrorRegistry(account: string, region: string): string {
  return `oci://${ecrRegistryHost(account, region)}/${CHART_MIRROR_NAMESPACE}`;
}

/** The ECR repository a chart is mirrored to. */
export function chartMirrorRepository(chart: string): string {
  return `${CHART_MIRROR_NAMESPACE}/${chart}`;
}

/** Every Helm chart the platform installs at the pinned versions: what the mirror must hold. */
export function pinnedCharts(versions: HelmVersions): HelmChartSource[] {
  return [...Object.values(platformCharts(versions)), ...Object.values(karpenterCharts())];
}
