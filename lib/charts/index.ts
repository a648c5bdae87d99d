/** The cdk8s charts of the platform: build them into a cluster with `createPlatformCharts`, or to YAML with `writeManifests`. */
export { BASELINE_CHART_ID, checkPlatformChartsProps, createPlatformCharts, EDGE_CHART_ID } from './platform-charts';
export { edgeWorkload } from './edge-workload';
export { IMAGE_POLICY_NAME, imageAdmissionPolicy } from './image-admission-policy';
export type { ImageAdmissionPolicyProps } from './image-admission-policy';
export type { PlatformCharts, PlatformChartsProps } from './platform-charts';
export { INGRESS_CHART_ID, INGRESS_PORTS, IngressChart } from './ingress-chart';
export type { IngressChartProps } from './ingress-chart';
export { PlatformBaselineChart } from './platform-baseline-chart';
export type { PlatformBaselineChartProps } from './platform-baseline-chart';
export { POD_IDENTITY_ROLE_ANNOTATION, ServiceChart } from './service-chart';
export type { ServiceChartProps } from './service-chart';
export { MANIFEST_SUFFIX, writeManifests } from './write-manifests';
export { validateManifests } from './manifest-schemas';
export type { SchemaCheckOptions } from './manifest-schemas';
export { PLATFORM_CA_ISSUER, WORKLOAD_CERT_DIR } from './workload-certificates';
export type { WorkloadOptions } from './workload-settings';
