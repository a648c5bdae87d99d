// test-group: compliance-gate
import { ACKNOWLEDGEMENTS } from '../../lib/compliance/acknowledgements';
import { covers, Finding, rawGateFindings, unacknowledged } from '../support/compliance';
import { EdgeConfig } from '../../lib/config';
import { buildPlatform, PROD_CONTEXT, TEST_API_CLIENTS, TEST_IDENTITY_PROVIDERS, TEST_IMAGE_DIGESTS } from '../support/platform-fixture';

const SIGNATURES = { imageSignatures: 'cosign-keyless', githubRepository: 'example-org/platform' };

/**
 * Configurations the gate must pass. The shipped profiles run every check (nag packs and cfn-guard);
 * the variants change the network and mesh, and run the nag packs (cfn-guard costs ~2 s per stack).
 */
const CONFIGURATIONS: Record<string, { context: Record<string, unknown>; edge?: Partial<EdgeConfig>; guard: boolean }> = {
  dev: { context: {}, guard: true },
  // With image digests, so prod's Workloads stack goes through the gate too, and with client developers' keys, usage
  // plans and app clients, an IPv4 and IPv6 allowlist, a geo rule and single sign-on (OIDC and SAML), so every edge option does.
  prod: {
    context: { ...PROD_CONTEXT, imageDigests: TEST_IMAGE_DIGESTS, allowedCidrs: '203.0.113.0/24,2001:db8::/32', blockedCountries: 'KP' },
    edge: { clients: TEST_API_CLIENTS, identityProviders: TEST_IDENTITY_PROVIDERS },
    guard: true,
  },
  // With cfn-guard too: only this configuration has the image cache and the chart mirror.
  isolated: { context: { egress: 'isolated' }, guard: true },
  native: { context: { mtls: 'native' }, guard: false },
  // EKS Auto Mode instead of Karpenter and the managed node group: the cluster, its role and the nodes' role change.
  autoMode: { context: { compute: 'auto-mode' }, guard: true },
  // Signature verification at admission (Kyverno and its Pod Identity role in the Cluster stack), in both profiles: its
  // role's acknowledged resource names each profile's repository prefix.
  signatures: { context: SIGNATURES, guard: false },
  signaturesProd: { context: { ...PROD_CONTEXT, imageDigests: TEST_IMAGE_DIGESTS, ...SIGNATURES }, guard: false },
};

const findingsByConfig = new Map<string, Finding[]>();
beforeAll(() => {
  for (const [name, { context, edge, guard }] of Object.entries(CONFIGURATIONS)) {
    findingsByConfig.set(name, rawGateFindings(buildPlatform(context, { edge }).app, { guard }));
  }
});

describe('compliance gate over the whole platform', () => {
  test.each(Object.keys(CONFIGURATIONS))('%s: every finding is acknowledged', (name) => {
    const open = unacknowledged(findingsByConfig.get(name)!, ACKNOWLEDGEMENTS);
    expect(open.map((f) => `${f.id} at ${f.path}: ${f.description}`)).toEqual([]);
  });

  test('every acknowledgement matches a finding in some configuration (no stale entries)', () => {
    const all = [...findingsByConfig.values()].flat();
    const stale = ACKNOWLEDGEMENTS.flatMap((ack) =>
      ack.ids.filter((id) => !all.some((f) => covers({ ...ack, ids: [id] }, f))).map((id) => `${id} at ${ack.path}`),
    );
    expect(stale).toEqual([]);
  });

  test('every acknowledgement gives a reason a reviewer can check', () => {
    for (const ack of ACKNOWLEDGEMENTS) expect(ack.reason.length).toBeGreaterThan(60);
  });
});
