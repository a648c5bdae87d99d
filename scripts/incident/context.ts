import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ConfigurationOptions, CoreV1Api, NetworkingV1Api, V1Pod } from '@kubernetes/client-node';
import { UsageError } from '../smoke/args';
import type { ProfileName } from '../../lib/config/platform-config';
import { EDGE_OUTPUTS } from '../../lib/stacks/edge-outputs';
import { stackOutputs } from '../smoke/discovery';
import { Steps } from './steps';

/** The Kubernetes calls the toolkit makes: the client's APIs, narrowed so tests pass fakes and assert their calls. */
export interface KubeApi {
  readonly core: Pick<
    CoreV1Api,
    | 'readNamespacedPod'
    | 'patchNamespacedPod'
    | 'listNamespacedService'
    | 'readNode'
    | 'patchNode'
    | 'readNamespacedPodLog'
    | 'listNamespacedEvent'
    | 'readNamespacedServiceAccount'
  >;
  readonly networking: Pick<NetworkingV1Api, 'listNamespacedNetworkPolicy'>;
  /** Request options that send a patch as a JSON merge patch (`null` removes a key). */
  readonly mergePatch?: ConfigurationOptions;
}

/** The AWS clients of the toolkit; each action uses only its own. */
export interface AwsClients {
  readonly cloudFormation: CloudFormationClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly eks: EKSClient;
  readonly iam: IAMClient;
  readonly secrets: SecretsManagerClient;
}

/** Where and how an action runs. */
export interface IncidentContext {
  readonly profile: ProfileName;
  readonly region: string;
  readonly steps: Steps;
  readonly aws: AwsClients;
  /** Built on first use from the kubeconfig (`aws eks update-kubeconfig --name <cluster>`), so AWS-only actions need none. */
  readonly kube: () => KubeApi;
  /** `--user-pool-id`, else the Edge stack's UserPoolId output. */
  readonly userPoolId?: string;
  readonly now: () => Date;
}

/** The user pool the platform's users and app clients live in: `--user-pool-id`, else the Edge stack's output. */
export async function userPoolIdOf(context: IncidentContext): Promise<string> {
  if (context.userPoolId) return context.userPoolId;
  const outputs = await edgeStackOutputs(context, [EDGE_OUTPUTS.userPoolId]);
  return outputs.get(EDGE_OUTPUTS.userPoolId)!;
}

/** The Edge stack's outputs (see `stackOutputs`); a missing stack or output is a DiscoveryError (exit code 1, as for smoke). */
export function edgeStackOutputs(context: IncidentContext, required: readonly string[]): Promise<ReadonlyMap<string, string>> {
  return stackOutputs({ ...context, cloudFormation: context.aws.cloudFormation }, 'edge', required);
}

/** Whether the Kubernetes API answered 404 (the client throws an ApiException with the HTTP code). */
export function isNotFound(err: unknown): boolean {
  return (err as { code?: number }).code === 404;
}

/** Whether an AWS call failed because its target does not exist (the exception's name, per service). */
export function isAwsNotFound(err: unknown): boolean {
  return ['ResourceNotFoundException', 'NoSuchEntityException', 'UserNotFoundException'].includes((err as { name?: string }).name ?? '');
}

/** A pod as the command line names it, `<namespace>/<pod>`. */
export interface PodRef {
  readonly namespace: string;
  readonly name: string;
}

/** Reads the pod; an unknown pod is a usage error (exit code 2) naming it and how to list the real ones. */
export async function readPod(kube: KubeApi, pod: PodRef): Promise<V1Pod> {
  try {
    return await kube.core.readNamespacedPod({ name: pod.name, namespace: pod.namespace });
  } catch (err) {
    if (isNotFound(err)) {
      throw new UsageError(
        `pod ${pod.namespace}/${pod.name} not found: name a running pod as <namespace>/<pod> (kubectl get pods -n ${pod.namespace})`,
      );
    }
    throw err;
  }
}
