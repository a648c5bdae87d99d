import { ServiceCatalogue } from '../../catalogue/service-catalogue';
import { Manifest } from '../../evidence/access-layers';
import { AssemblyView } from '../../evidence/assembly-view';

export type ControlCategory =
  'network' | 'identity' | 'cluster' | 'workload' | 'resilience' | 'data' | 'edge' | 'detection' | 'supply-chain';

/** The areas of the controls matrix, in the order reports show them. */
export const CONTROL_AREAS: readonly { readonly category: ControlCategory; readonly label: string }[] = [
  { category: 'network', label: 'Network' },
  { category: 'identity', label: 'Identity' },
  { category: 'cluster', label: 'Cluster' },
  { category: 'workload', label: 'Workloads' },
  { category: 'resilience', label: 'Resilience' },
  { category: 'data', label: 'Data' },
  { category: 'edge', label: 'Edge' },
  { category: 'detection', label: 'Detection & response' },
  { category: 'supply-chain', label: 'Supply chain' },
];

/**
 * What a control's evidence check looks at: the synthesized CloudFormation, the rendered Kubernetes objects, and the
 * service catalogue they were built from (controls that compare the two read it here rather than from a global).
 */
export interface ControlEvidence {
  readonly assembly: AssemblyView;
  readonly manifests: readonly Manifest[];
  /** The configuration profile (`dev` or `prod`): a few controls are deliberately stricter in prod. */
  readonly profile: string;
  readonly catalogue: ServiceCatalogue;
}

/**
 * A security control of the platform: what it is, which standards it answers, where it is implemented, which
 * test proves it, which gate rules also check it, and how to see it in the synthesized environment.
 * The registry feeds the reviewer report (`npm run report`) and the README's security-defaults table.
 */
export interface SecurityControl {
  readonly id: string;
  readonly title: string;
  readonly category: ControlCategory;
  /** NIST SP 800-53 Rev. 5 control ids. */
  readonly nist: readonly string[];
  /** CIS Amazon EKS Benchmark recommendation ids (cluster and workload controls). */
  readonly cisEks?: readonly string[];
  /** Repository-relative files that implement the control. */
  readonly implementedIn: readonly string[];
  /** The test that fails when the control is removed: its file and (part of) its name. */
  readonly provenBy: { readonly file: string; readonly test: string };
  /** cdk-nag rule names (without pack prefix) and cfn-guard rule names that check the same thing. */
  readonly gateRules?: readonly string[];
  /** True when the synthesized environment shows the control in place: an exported function of the control's area file. */
  readonly evidence: (evidence: ControlEvidence) => boolean;
}
