import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { ServiceCatalogue, ServiceDefinition, spiffeId } from '../catalogue/service-catalogue';
import { callersOf, callerSpiffeId, workloadLabels } from './call-graph';

/** The cert-manager ClusterIssuer of the platform CA; the cluster side creates it, the charts only refer to it. */
export const PLATFORM_CA_ISSUER = 'platform-ca';

/** Where native-mode containers find their key pair and the CA bundle (files of the cert-manager secret). */
export const WORKLOAD_CERT_DIR = '/var/run/secrets/workload-identity';

/** The secret cert-manager writes a service's key pair into. */
export function workloadCertificateSecretName(service: ServiceDefinition): string {
  return `${service.name}-workload-identity`;
}

/**
 * The service's workload identity for native mTLS: a short-lived certificate whose URI SAN is its SPIFFE id
 * (what its peers check), usable as client and server certificate, with a fresh key at every renewal.
 */
export function workloadCertificate(catalogue: ServiceCatalogue, service: ServiceDefinition): ICertificate {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: workloadCertificateSecretName(service), namespace: service.namespace, labels: workloadLabels(service) },
    spec: {
      secretName: workloadCertificateSecretName(service),
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM_CA_ISSUER },
      uris: [spiffeId(catalogue.trustDomain, service.namespace, service.name)],
      dnsNames: [`${service.name}.${service.namespace}.svc`],
      duration: '24h',
      renewBefore: '8h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth', 'client auth'],
    },
  };
}

/** The native-mode allowlist: SPIFFE ids the service accepts as peers, derived from the same call graph. */
export function allowedPeerIds(catalogue: ServiceCatalogue, service: ServiceDefinition): string[] {
  return callersOf(catalogue, service).map((caller) => callerSpiffeId(catalogue, caller));
}
