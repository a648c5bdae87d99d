import { parse } from 'yaml';

/**
 * The properties a delivery workflow must keep, checked on its text: each rule returns one line per problem, so a
 * test can show a rule catching its own break (see workflows.test.ts) as well as passing on the real files.
 */

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string | { readonly name: string };
  readonly steps?: readonly Step[];
  readonly needs?: string | readonly string[];
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
}
export interface Workflow {
  readonly on: Record<string, unknown> | string | readonly string[];
  readonly permissions?: unknown;
  readonly jobs: Record<string, Job>;
}

export function parseWorkflow(text: string): Workflow {
  return parse(text) as Workflow;
}

/** Actions that request the job's OIDC token: only jobs using one of them get `id-token: write`. */
export const OIDC_ACTIONS: readonly string[] = [
  'aws-actions/configure-aws-credentials',
  'actions/attest-build-provenance',
  'sigstore/cosign-installer',
];

/** Triggers that run with the base repository's secrets on code from a fork or a prior run. */
const PRIVILEGED_TRIGGERS: readonly string[] = ['pull_request_target', 'workflow_run'];

const actionOf = (uses: string) => uses.split('@')[0].split('/').slice(0, 2).join('/');
const triggers = (on: Workflow['on']) => (typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on));

/** Every `uses:` of a remote action names a full commit and says which release it is (`@<40 hex> # vX.Y.Z`). */
export function unpinnedActions(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\s*(- )?uses:/.test(line))
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => !line.startsWith('uses: ./'))
    .filter((line) => !/^uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line));
}

/** Nothing by default: the top-level permissions are `{}`, and every job names its own. */
export function permissionProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  const top = workflow.permissions;
  if (typeof top !== 'object' || top === null || Object.keys(top).length > 0) {
    problems.push(`top-level permissions are ${JSON.stringify(top)}: use {}`);
  }
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (typeof job.permissions !== 'object') problems.push(`job ${name} does not name its permissions`);
    const uses = (job.steps ?? []).flatMap((step) => (step.uses ? [actionOf(step.uses)] : []));
    const needsOidc = uses.some((action) => OIDC_ACTIONS.includes(action));
    const hasOidc = typeof job.permissions === 'object' && job.permissions['id-token'] === 'write';
    if (hasOidc !== needsOidc) {
      problems.push(`job ${name} ${hasOidc ? 'has id-token: write without an action that uses it' : 'uses OIDC without id-token: write'}`);
    }
  }
  return problems;
}

/** A job that assumes an AWS role runs in a GitHub environment: the role trusts only that environment's tokens. */
export function environmentProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs)
    .filter(([, job]) => (job.steps ?? []).some((step) => step.uses && actionOf(step.uses) === 'aws-actions/configure-aws-credentials'))
    .filter(([, job]) => job.environment === undefined)
    .map(([name]) => `job ${name} assumes an AWS role outside a GitHub environment`);
}

/** No trigger that hands the base repository's privileges to untrusted code. */
export function triggerProblems(workflow: Workflow): string[] {
  return triggers(workflow.on)
    .filter((trigger) => PRIVILEGED_TRIGGERS.includes(trigger))
    .map((trigger) => `trigger ${trigger} runs untrusted code with the repository's privileges`);
}

/**
 * Script injection: no expression inside a `run:` script (a branch name or PR title would become shell code); values
 * reach scripts through `env:` instead, where the shell sees them as data.
 */
export function injectionProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([name, job]) =>
    (job.steps ?? []).filter((step) => step.run?.includes('${{')).map((step) => `job ${name} interpolates an expression into: ${step.run}`),
  );
}

/** Every rule over one workflow file. */
export function workflowProblems(text: string): string[] {
  const workflow = parseWorkflow(text);
  return [
    ...unpinnedActions(text),
    ...permissionProblems(workflow),
    ...environmentProblems(workflow),
    ...triggerProblems(workflow),
    ...injectionProblems(workflow),
  ];
}
