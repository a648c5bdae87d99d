import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Chart } from 'cdk8s';
import { Construct, IDependable } from 'constructs';

/**
 * Largest manifest one custom resource may carry, in bytes of JSON. CloudFormation invokes the provider
 * asynchronously (256 KB event, aws-cdk#19165) and an update event carries the old and the new manifest,
 * so each half stays well under 128 KB; smaller resources also keep kubectl's error output, which echoes
 * the failing object, closer to the 4 KB custom-resource response limit (aws-cdk#35299).
 */
export const MAX_MANIFEST_BYTES_PER_RESOURCE = 96 * 1024;

/** Room for the `aws.cdk.eks/prune-<hash>` label aws-eks-v2 injects into each object. */
const PRUNE_LABEL_BYTES = 96;

export interface ClusterManifestProps {
  readonly cluster: eks.ICluster;
  /** A cdk8s chart, synthesized here. @default - pass `manifest` instead */
  readonly chart?: Chart;
  /** Kubernetes objects, applied in order. @default - pass `chart` instead */
  readonly manifest?: readonly object[];
  /** Bytes of JSON per custom resource. @default MAX_MANIFEST_BYTES_PER_RESOURCE */
  readonly maxBytesPerResource?: number;
  /** Applied only after these exist, and deleted before them. @default - none */
  readonly dependsOn?: readonly IDependable[];
  /**
   * Apply (`kubectl apply`) instead of create, adopting objects that already exist, e.g. a namespace an earlier
   * version of the platform let a Helm chart create. @default false: creating an object that exists fails
   */
  readonly overwrite?: boolean;
}

/**
 * Kubernetes objects applied through the cluster's kubectl provider, split into custom resources that each stay
 * under a byte budget and applied in order (each batch depends on the one before, so teardown runs in reverse).
 * Create it in the stack that owns the workload, not the cluster stack: the resources then count against that
 * stack's 1 MB template, and the cluster stack does not grow with every chart (aws-cdk#17362).
 */
export class ClusterManifest extends Construct {
  /** The custom resources, in apply order. */
  readonly batches: eks.KubernetesManifest[] = [];

  constructor(scope: Construct, id: string, props: ClusterManifestProps) {
    super(scope, id);
    if ((props.chart === undefined) === (props.manifest === undefined)) {
      throw new Error(`cluster manifest ${id}: pass exactly one of chart or manifest`);
    }
    const objects = (props.chart ? props.chart.toJson() : [...props.manifest!]) as Record<string, unknown>[];
    const budget = props.maxBytesPerResource ?? MAX_MANIFEST_BYTES_PER_RESOURCE;
    batchBySize(Stack.of(this), objects, budget, id).forEach((batch, index) => {
      const resource = new eks.KubernetesManifest(this, `Batch${index}`, {
        cluster: props.cluster,
        manifest: batch,
        overwrite: props.overwrite,
      });
      const previous = this.batches[this.batches.length - 1];
      if (previous) resource.node.addDependency(previous);
      for (const dependency of props.dependsOn ?? []) resource.node.addDependency(dependency);
      this.batches.push(resource);
    });
  }
}

/** Splits objects, in order, into batches whose JSON stays within the budget; one object over it is an error. */
export function batchBySize(
  stack: Stack,
  objects: readonly Record<string, unknown>[],
  budget: number,
  id: string,
): Record<string, unknown>[][] {
  const batches: Record<string, unknown>[][] = [];
  let current: Record<string, unknown>[] = [];
  let size = 2; // the enclosing brackets
  for (const object of objects) {
    // Measured as the template holds it: tokens resolved, the manifest escaped as one string property, plus the
    // prune label the kubectl provider adds to every object.
    const bytes = Buffer.byteLength(JSON.stringify(JSON.stringify(stack.resolve(object)))) + PRUNE_LABEL_BYTES;
    if (bytes + 2 > budget) {
      const name = (object.metadata as { name?: string } | undefined)?.name ?? '?';
      throw new Error(
        `cluster manifest ${id}: ${String(object.kind)} ${name} is ${bytes} bytes, over the ${budget}-byte budget ` +
          'of one custom resource; install it from a Helm chart or an S3 asset instead',
      );
    }
    if (current.length > 0 && size + bytes + 1 > budget) {
      batches.push(current);
      current = [];
      size = 2;
    }
    current.push(object);
    size += bytes + (current.length > 1 ? 1 : 0);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
