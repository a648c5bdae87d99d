import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TlsMaterial } from '../../src/mtls/tls-material';
import { SERVICE_CATALOGUE, spiffeId } from '../../../../lib/catalogue/service-catalogue';

const crypto = webcrypto;
x509.cryptoProvider.set(crypto as never);
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface TestCa {
  /** This CA's certificate. */
  readonly pem: string;
  /** A workload certificate; its `cert` holds the chain up to (not including) the root, its `ca` the root. */
  issue(identity: string, validity?: TestValidity): Promise<TlsMaterial>;
  /** An intermediate CA signed by this one. */
  issueCa(name: string, validity?: TestValidity): Promise<TestCa>;
  /** This intermediate's certificate signed again by its parent, same name and key, with another validity. */
  renewedPem?(validity: TestValidity): Promise<string>;
}

export interface TestValidity {
  /** @default - a year from now */
  readonly notAfter?: Date;
}

/** The SPIFFE id of a workload in the catalogue's trust domain (service account == service name). */
export function workloadId(namespace: string, serviceAccount: string): string {
  return spiffeId(SERVICE_CATALOGUE.trustDomain, namespace, serviceAccount);
}

export const INGRESS_ID = workloadId(SERVICE_CATALOGUE.ingress.namespace, SERVICE_CATALOGUE.ingress.serviceAccount);

/** A throwaway CA issuing SPIFFE X.509 SVIDs (one URI SAN) the way cert-manager does, with P-256 keys for speed. */
export async function createTestCa(name: string, validity: TestValidity = {}): Promise<TestCa> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: ALGORITHM,
    ...validityOf(validity),
    extensions: await caExtensions(keys.publicKey),
  });
  return signingCa(caCert, keys, [], caCert.toString('pem'));
}

/** A CA signing with `keys`; `chain` is what follows its leaves in `tls.crt`: itself and its parents below the root. */
function signingCa(caCert: x509.X509Certificate, keys: webcrypto.CryptoKeyPair, chain: string[], rootPem: string): TestCa {
  const signed = async (subject: string, publicKey: webcrypto.CryptoKey, validity: TestValidity, extensions: x509.Extension[]) =>
    x509.X509CertificateGenerator.create({
      subject,
      issuer: caCert.subject,
      publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: ALGORITHM,
      ...validityOf(validity),
      extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey)],
    });
  return {
    pem: caCert.toString('pem'),
    issue: async (identity, validity = {}) => {
      const leafKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
      const cert = await signed(`CN=${identity.split('/').pop()}`, leafKeys.publicKey, validity, [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'url', value: identity },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ]);
      const key = x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY');
      return { cert: [cert.toString('pem'), ...chain].join('\n'), key, ca: rootPem };
    },
    issueCa: async (name, validity = {}) => {
      const caKeys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
      const certify = async (certValidity: TestValidity) =>
        signed(`CN=${name}`, caKeys.publicKey, certValidity, await caExtensions(caKeys.publicKey));
      const cert = await certify(validity);
      return {
        ...signingCa(cert, caKeys, [cert.toString('pem'), ...chain], rootPem),
        renewedPem: async (renewal) => (await certify(renewal)).toString('pem'),
      };
    },
  };
}

async function caExtensions(publicKey: webcrypto.CryptoKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

/** Valid from a minute ago, so that clock skew between the test and the TLS stack cannot matter. */
function validityOf({ notAfter }: TestValidity): { notBefore: Date; notAfter?: Date } {
  return { notBefore: new Date(Date.now() - 60_000), notAfter };
}

/** Writes `tls.crt`, `tls.key`, `ca.crt` like a cert-manager secret volume; each file is replaced atomically. */
export function writeTlsFiles(dir: string, material: TlsMaterial): { certFile: string; keyFile: string; caFile: string } {
  mkdirSync(dir, { recursive: true });
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), caFile: join(dir, 'ca.crt') };
  const write = (file: string, text: string) => {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  write(files.keyFile, material.key);
  write(files.certFile, material.cert);
  write(files.caFile, material.ca);
  return files;
}
