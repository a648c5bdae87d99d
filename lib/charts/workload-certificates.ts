import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { ServiceCatalogue } from '../catalogue/service-catalogue';
import { Caller, callerSpiffeId } from './call-graph';

/** A Certificate with its spec, so the secret it writes (`spec.secretName`) can be referred to without a cast. */
export type CertificateManifest = ICertificate & { readonly spec: NonNullable<ICertificate['spec']> };

/** The cert-manager ClusterIssuer of the platform CA; the cluster side creates it, the charts only refer to it. */
export const PLATFORM_CA_ISSUER = 'platform-ca';

/** Where native-mode containers find their key pair and the CA bundle (files of the cert-manager secret). */
export const WORKLOAD_CERT_DIR = '/var/run/secrets/workload-identity';

/** The secret cert-manager writes a workload's key pair into. */
export function workloadCertificateSecretName(identity: Caller): string {
  return `${identity.serviceAccount}-workload-identity`;
}

/**
 * A workload identity for native mTLS: a short-lived certificate whose URI SAN is the workload's SPIFFE id (what
 * its peers check), usable as client and server certificate, with a fresh key at every renewal. Issued for every
 * service and for the ingress, the one caller outside the catalogue.
 */
export function workloadCertificate(catalogue: ServiceCatalogue, identity: Caller): ICertificate {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: workloadCertificateSecretName(identity), namespace: identity.namespace, labels: { ...identity.podLabels } },
    spec: {
      secretName: workloadCertificateSecretName(identity),
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: PLATFORM_CA_ISSUER },
      uris: [callerSpiffeId(catalogue, identity)],
      dnsNames: [`${identity.serviceAccount}.${identity.namespace}.svc`],
      duration: '24h',
      renewBefore: '8h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth', 'client auth'],
    },
  };
}
