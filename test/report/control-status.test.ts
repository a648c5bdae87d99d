import { App } from 'aws-cdk-lib';
import { CONTROLS } from '../../lib/compliance/controls';
import { rawGateFindings } from '../../lib/compliance/gate-findings';
import { Manifest } from '../../lib/evidence/access-layers';
import { Platform } from '../../lib/platform';
import { controlStatuses } from '../../lib/report/build-report';
import { ControlStatus } from '../../lib/report/control-status';
import { controlEvidence } from '../support/control-evidence';
import { buildPlatform } from '../support/platform-fixture';

/**
 * Each control's status as the report computes it: on the reference environment every control passes or is
 * acknowledged; removing a control's construct before synth turns its status to failing. The gate runs the four
 * nag packs here (cfn-guard costs ~2 s per stack, and the gate tests cover it).
 */
function environment(change: (platform: Platform, app: App) => void = () => undefined) {
  const { app, platform, config } = buildPlatform();
  change(platform, app);
  const findings = rawGateFindings(app, { guard: false });
  const evidence = controlEvidence(app, platform, config.profile);
  return { evidence, findings };
}

function statuses(change: (platform: Platform, app: App) => void): Map<string, ControlStatus> {
  const { evidence, findings } = environment(change);
  return new Map(controlStatuses(evidence, findings).map((s) => [s.control.id, s]));
}

describe('the reference environment (dev)', () => {
  let reference: Map<string, ControlStatus>;
  let env: ReturnType<typeof environment>;
  beforeAll(() => {
    env = environment();
    reference = new Map(controlStatuses(env.evidence, env.findings).map((s) => [s.control.id, s]));
  });

  test('every control passes or is acknowledged', () => {
    const failing = [...reference.values()].filter((s) => s.state === 'failing').map((s) => ({ id: s.control.id, failures: s.failures }));
    expect(failing).toEqual([]);
    expect(reference.size).toBe(CONTROLS.length);
  });

  test('an acknowledged control carries the reason from the acknowledgements file', () => {
    const acknowledged = [...reference.values()].filter((s) => s.state === 'acknowledged');
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const s of acknowledged) {
      expect(s.acknowledgements.length).toBeGreaterThan(0);
      for (const a of s.acknowledgements) expect(a.reason.length).toBeGreaterThan(20);
    }
  });

  test('without the default-deny NetworkPolicies namespace isolation fails; without any, the call-graph control fails too', () => {
    const without = (drop: (m: Manifest) => boolean) =>
      new Map(
        controlStatuses({ ...env.evidence, manifests: env.evidence.manifests.filter((m) => !drop(m)) }, env.findings).map((s) => [
          s.control.id,
          s.state,
        ]),
      );
    const noDefaultDeny = without((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'default-deny');
    expect([noDefaultDeny.get('WL-3'), noDefaultDeny.get('WL-4')]).toEqual(['failing', 'passing']); // per-service policies still isolate
    const noPolicies = without((m) => m.kind === 'NetworkPolicy');
    expect([noPolicies.get('WL-3'), noPolicies.get('WL-4')]).toEqual(['failing', 'failing']);
  });

  test('the image tags dev renders pass in dev and fail in prod', () => {
    const state = (profile: string) =>
      controlStatuses({ ...env.evidence, profile }, env.findings).find((s) => s.control.id === 'SC-2')!.state;
    expect([state('dev'), state('prod')]).toEqual(['passing', 'failing']);
  });
});

test('removing the WAF association before synth fails the WAF control (evidence gone, nag packs report the stage)', () => {
  const result = statuses((platform) => {
    expect(platform.edge.firewall.node.tryRemoveChild('StageAssociation')).toBe(true);
  }).get('EDGE-1')!;
  expect(result.state).toBe('failing');
  expect(result.failures).toContain('not found in the synthesized environment');
  expect(result.failures.some((f) => /APIGWAssociatedWithWAF|APIG3/.test(f))).toBe(true);
});

test('removing the VPC flow log before synth fails the flow-log control', () => {
  const result = statuses((platform) => {
    const vpc = platform.network.node.findChild('Network').node.findChild('Resource');
    expect(vpc.node.tryRemoveChild('All')).toBe(true);
  }).get('NET-1')!;
  expect(result.state).toBe('failing');
});
