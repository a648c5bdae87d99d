import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { V1NetworkPolicy, V1Node, V1Pod, V1Service, V1ServiceAccount } from '@kubernetes/client-node';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';
import { runIncidentCli } from '../../scripts/incident/cli';
import { AwsClients, KubeApi } from '../../scripts/incident/context';
import { StepRecord } from '../../scripts/incident/steps';

export const REGION = 'eu-west-1';
export const USER_POOL_ID = 'eu-west-1_AbCdEf123';
export const NOW = new Date('2026-12-04T19:30:00.000Z');

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };

/** Real SDK clients; every test file mocks their `send` with aws-sdk-client-mock, so nothing leaves the process. */
export function awsClients(): AwsClients {
  return {
    cloudFormation: new CloudFormationClient({ region: REGION, credentials }),
    cognito: new CognitoIdentityProviderClient({ region: REGION, credentials }),
    eks: new EKSClient({ region: REGION, credentials }),
    iam: new IAMClient({ region: REGION, credentials }),
    secrets: new SecretsManagerClient({ region: REGION, credentials }),
  };
}

export const mocks = {
  cloudFormation: mockClient(CloudFormationClient),
  cognito: mockClient(CognitoIdentityProviderClient),
  eks: mockClient(EKSClient),
  iam: mockClient(IAMClient),
  secrets: mockClient(SecretsManagerClient),
};

/** Resets every mock and gives the Edge stack these outputs. */
export function resetAws(edgeOutputs: Record<string, string> = { UserPoolId: USER_POOL_ID, MachineClientId: 'machine-client-id' }): void {
  Object.values(mocks).forEach((mock) => mock.reset());
  mocks.cloudFormation.on(DescribeStacksCommand, { StackName: 'dev-platform-edge' }).resolves({
    Stacks: [
      {
        StackName: 'dev-platform-edge',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: NOW,
        Outputs: Object.entries(edgeOutputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

/** The commands sent to one mocked client, as `Name` and input, in order. */
export function sent(mock: AwsStub<any, any, any>): Array<[string, unknown]> {
  return mock.calls().map((call) => [call.args[0].constructor.name.replace(/Command$/, ''), call.args[0].input]);
}

/** Every AWS command sent, by name, across clients. */
export function sentNames(): string[] {
  return Object.values(mocks).flatMap((mock) => sent(mock).map(([name]) => name));
}

export class ApiError extends Error {
  constructor(readonly code: number) {
    super(`HTTP-Code: ${code}`);
  }
}

/** The cluster state a fake Kubernetes API serves; the patch calls change it, like the API server would. */
export interface FakeCluster {
  pods: V1Pod[];
  services: V1Service[];
  networkPolicies: V1NetworkPolicy[];
  nodes: V1Node[];
  serviceAccounts: V1ServiceAccount[];
  logs: Record<string, string>;
}

export interface KubeCall {
  readonly method: string;
  readonly param: Record<string, any>;
}

/** A fake at the client boundary: the CoreV1Api/NetworkingV1Api methods the toolkit calls, recorded. */
export function fakeKube(cluster: FakeCluster): { api: KubeApi; calls: KubeCall[] } {
  const calls: KubeCall[] = [];
  const record = (method: string, param: Record<string, any>) => calls.push({ method, param });
  const find = <T extends { metadata?: { name?: string; namespace?: string } }>(items: T[], name: string, namespace?: string) => {
    const item = items.find((i) => i.metadata?.name === name && (namespace === undefined || i.metadata?.namespace === namespace));
    if (!item) throw new ApiError(404);
    return item;
  };
  const mergeLabels = (target: { metadata?: { labels?: Record<string, string> } }, patch: Record<string, string | null>) => {
    const labels = { ...(target.metadata!.labels ?? {}) };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete labels[key];
      else labels[key] = value;
    }
    target.metadata!.labels = labels;
  };
  const api = {
    core: {
      readNamespacedPod: async (param: any) => (
        record('readNamespacedPod', param),
        structuredClone(find(cluster.pods, param.name, param.namespace))
      ),
      patchNamespacedPod: async (param: any) => {
        record('patchNamespacedPod', param);
        const pod = find(cluster.pods, param.name, param.namespace);
        mergeLabels(pod, param.body.metadata.labels);
        return pod;
      },
      listNamespacedService: async (param: any) => (
        record('listNamespacedService', param),
        { items: cluster.services.filter((s) => s.metadata?.namespace === param.namespace) }
      ),
      readNode: async (param: any) => (record('readNode', param), structuredClone(find(cluster.nodes, param.name))),
      patchNode: async (param: any) => {
        record('patchNode', param);
        const node = find(cluster.nodes, param.name);
        node.spec = { ...node.spec, ...param.body.spec };
        return node;
      },
      readNamespacedPodLog: async (param: any) => {
        record('readNamespacedPodLog', param);
        const log = cluster.logs[`${param.container}${param.previous ? ':previous' : ''}`];
        if (log === undefined) throw new ApiError(400);
        return log;
      },
      listNamespacedEvent: async (param: any) => (
        record('listNamespacedEvent', param),
        { items: [{ metadata: { name: 'e1' }, reason: 'Started', involvedObject: { name: 'x' } }] }
      ),
      readNamespacedServiceAccount: async (param: any) => (
        record('readNamespacedServiceAccount', param),
        structuredClone(find(cluster.serviceAccounts, param.name, param.namespace))
      ),
    },
    networking: {
      listNamespacedNetworkPolicy: async (param: any) => (
        record('listNamespacedNetworkPolicy', param),
        { items: cluster.networkPolicies.filter((p) => p.metadata?.namespace === param.namespace) }
      ),
    },
  } as unknown as KubeApi;
  return { api, calls };
}

/** Kubernetes calls that change something. */
export const mutating = (calls: readonly KubeCall[]) => calls.filter((c) => c.method.startsWith('patch'));

export interface RunResult {
  readonly code: number;
  readonly records: StepRecord[];
  readonly err: string[];
}

/** Runs `npm run incident -- <argv>` in-process against the mocks and the fake cluster. */
export async function runIncident(argv: readonly string[], kube?: KubeApi, now: Date = NOW): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runIncidentCli({
    argv,
    env: { AWS_REGION: REGION },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    aws: awsClients(),
    kube: () => {
      if (!kube) throw new Error('this action must not touch Kubernetes');
      return kube;
    },
    now: () => now,
  });
  return { code, records: out.map((line) => JSON.parse(line) as StepRecord), err };
}

/** The records as `step target status`, the shape most assertions need. */
export const summary = (records: readonly StepRecord[]) => records.map((r) => `${r.step} ${r.target} ${r.status}`);
