import {
  ENTRY_POINT_EXEMPTIONS,
  ENTRY_POINT_POLICY_NAME,
  EntryPointExemption,
  entryPointRejection,
  AdmissionSubject,
} from '../constructs/entry-point-policy';
import { chartApisOf } from './chart-apis';
import { helmReleases, KubernetesObject, manifestResources, ResourceRef } from './cluster-resources';
import { DeployOrder } from './deploy-order';
import { AssemblyInput, DeployTrap, stackTemplates, templatePath } from './stack-templates';

/**
 * The cluster side of the one-entry-point guarantee, checked over a synthesized assembly: nothing the platform
 * applies (the objects of its manifests, and the Services its Helm charts create with their values) is something
 * the entry-point policy rejects, so the policy cannot break the platform's own deploy; and every chart and manifest
 * that writes Services or Ingresses into a cluster is applied after that cluster's policy, which judges objects only
 * as they are written. Chart Services are judged by their type alone (their names are not modelled here), so an
 * exemption, which names one object, never excuses them.
 */
export function entryPointTraps(input: AssemblyInput, exemptions: readonly EntryPointExemption[] = ENTRY_POINT_EXEMPTIONS): DeployTrap[] {
  const stacks = stackTemplates(input);
  const manifests = manifestResources(stacks);
  const order = new DeployOrder(stacks);
  const policies = new Map(manifests.filter((m) => m.objects.some(isPolicyBinding)).map((m) => [m.cluster, m as ResourceRef]));
  const traps: DeployTrap[] = [];
  const requirePolicyFirst = (writer: ResourceRef, cluster: string, subject: string) => {
    const policy = policies.get(cluster);
    const at = { stack: writer.stack.id, logicalId: writer.logicalId, path: templatePath(writer.stack, ['Resources', writer.logicalId]) };
    if (!policy) {
      traps.push({
        ...at,
        problem: `${subject} writes Services or Ingresses into a cluster that has no entry-point policy.`,
        fix: 'apply EntryPointPolicy to the cluster (PlatformComponents does) and install this after it.',
      });
    } else if (!order.isAfter(writer, policy)) {
      traps.push({
        ...at,
        problem:
          `${subject} writes Services or Ingresses but is not applied after the entry-point policy ` +
          `(${policy.stack.id}/${policy.logicalId}): whatever it creates before the policy exists is never judged.`,
        fix: "make it depend on PlatformComponents.entryPointPolicy (dependsOn of HelmComponent or ClusterManifest), or its stack on the cluster stack's components.",
      });
    }
  };
  const reject = (writer: ResourceRef, path: string, subject: string, object: AdmissionSubject) => {
    const rejection = entryPointRejection(object, exemptions);
    if (rejection) {
      traps.push({
        stack: writer.stack.id,
        logicalId: writer.logicalId,
        path,
        problem: `${subject} would be rejected: ${rejection}`,
        fix: 'make it a ClusterIP Service behind the ingress gateway, or add a reasoned exemption to ENTRY_POINT_EXEMPTIONS.',
      });
    }
  };

  for (const manifest of manifests) {
    const writes = manifest.objects.filter(isJudged);
    for (const object of writes) {
      reject(
        manifest,
        `${templatePath(manifest.stack, ['Resources', manifest.logicalId, 'Properties', 'Manifest'])} [${object.index}]`,
        `${object.kind} ${object.namespace ?? 'default'}/${object.name}`,
        object,
      );
    }
    if (writes.length > 0) requirePolicyFirst(manifest, manifest.cluster, `manifest ${manifest.logicalId}`);
  }
  for (const release of helmReleases(stacks)) {
    const subject = `chart ${String(release.chart)} (release in ${release.namespace})`;
    const apis = chartApisOf(release.repository, release.chart);
    const path = templatePath(release.stack, ['Resources', release.logicalId, 'Properties']);
    if (!apis || release.values === undefined) {
      traps.push({
        stack: release.stack.id,
        logicalId: release.logicalId,
        path,
        problem:
          `${subject}: which Services it creates is unknown ` +
          `(${apis ? 'its values do not parse' : 'it is not described in CHART_APIS'}).`,
        fix: 'describe it in lib/evidence/chart-apis.ts, with JSON values.',
      });
      continue;
    }
    const types = apis.serviceTypes(release.values);
    for (const serviceType of types) {
      reject(release, `${path}/Values`, `a ${serviceType} Service of ${subject}`, {
        group: '',
        kind: 'Service',
        namespace: release.namespace,
        name: '',
        serviceType,
      });
    }
    if (types.length > 0) requirePolicyFirst(release, release.cluster, subject);
  }
  return traps;
}

/** Whether the object is of a kind the entry-point policy judges. */
function isJudged(object: KubernetesObject): boolean {
  return (object.group === '' && object.kind === 'Service') || (object.group === 'networking.k8s.io' && object.kind === 'Ingress');
}

function isPolicyBinding(object: KubernetesObject): boolean {
  return (
    object.group === 'admissionregistration.k8s.io' &&
    object.kind === 'ValidatingAdmissionPolicyBinding' &&
    object.name === ENTRY_POINT_POLICY_NAME
  );
}
