import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { STACK_IDS } from '../../lib/platform';
import { schemaErrors } from './support/schema-errors';
import {
  environmentProblems,
  injectionProblems,
  parseWorkflow,
  permissionProblems,
  triggerProblems,
  unpinnedActions,
  workflowProblems,
} from './support/workflow-rules';

/**
 * The delivery workflow users copy: valid against GitHub's workflow schema (SchemaStore's, vendored: see
 * support/schema-errors.ts) and holding the properties that keep it safe. Each rule is shown catching its own break on
 * a copy of the real file.
 */
const ROOT = path.join(__dirname, '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const DELIVERY = path.join(WORKFLOWS, 'delivery.yml');
const files = fs.readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
const delivery = fs.readFileSync(DELIVERY, 'utf8');
const workflow = parseWorkflow(delivery);

test.each(files)('%s validates against the workflow schema', (file) => {
  expect(schemaErrors('github-workflow', parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')))).toEqual([]);
});

test('the schema check catches a misspelled job key', () => {
  expect(
    schemaErrors('github-workflow', parse(delivery.replace('    runs-on: ubuntu-24.04\n', '    runs_on: ubuntu-24.04\n'))),
  ).not.toEqual([]);
});

test.each(files)('%s keeps every safety rule', (file) => {
  expect(workflowProblems(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'))).toEqual([]);
});

describe('each rule catches its break', () => {
  test('an action pinned by tag, or by commit without its release comment', () => {
    const byTag = delivery.replace(/actions\/checkout@[0-9a-f]{40} # v[\d.]+/, 'actions/checkout@v7');
    const noComment = delivery.replace(/(actions\/setup-node@[0-9a-f]{40}) # v[\d.]+/, '$1');
    expect(unpinnedActions(byTag)).toEqual(expect.arrayContaining(['uses: actions/checkout@v7']));
    expect(unpinnedActions(noComment)).not.toEqual([]);
  });

  test('top-level permissions that grant anything', () => {
    expect(permissionProblems(parseWorkflow(delivery.replace('permissions: {}', 'permissions: write-all')))).not.toEqual([]);
    expect(permissionProblems(parseWorkflow(delivery.replace('permissions: {}', 'permissions:\n  contents: read')))).not.toEqual([]);
  });

  test('a job without its own permissions, or with an OIDC token it does not use', () => {
    const jobs = structuredClone(workflow.jobs) as Record<string, any>;
    delete jobs.sast.permissions;
    jobs.verify.permissions['id-token'] = 'write';
    expect(permissionProblems({ ...workflow, jobs })).toEqual([
      'job verify has id-token: write without an action that uses it',
      'job sast does not name its permissions',
    ]);
  });

  test('a job assuming an AWS role outside a GitHub environment', () => {
    const jobs = structuredClone(workflow.jobs) as Record<string, any>;
    delete jobs['deploy-prod'].environment;
    expect(environmentProblems({ ...workflow, jobs })).toEqual(['job deploy-prod assumes an AWS role outside a GitHub environment']);
  });

  test('pull_request_target and workflow_run', () => {
    expect(triggerProblems(parseWorkflow(delivery.replace('  pull_request:\n', '  pull_request_target:\n')))).toHaveLength(1);
    expect(triggerProblems({ ...workflow, on: ['push', 'workflow_run'] })).toHaveLength(1);
  });

  test('an event value interpolated into a script', () => {
    const jobs = structuredClone(workflow.jobs) as Record<string, any>;
    jobs.verify.steps.push({ run: 'echo "${{ github.event.pull_request.title }}"' });
    expect(injectionProblems({ ...workflow, jobs })).toHaveLength(1);
  });
});

test('one image job per catalogue service', () => {
  const services = SERVICE_CATALOGUE.services.map((service) => service.name);
  expect([...(workflow.jobs.image.strategy!.matrix!.service as string[])].sort()).toEqual([...services].sort());
});

test('prod deploys only after dev was deployed and smoke-tested, each in its own environment', () => {
  const { jobs } = workflow;
  expect(jobs.image.needs).toEqual(['verify', 'sast']);
  expect(jobs['deploy-dev'].needs).toEqual(['image']);
  expect(jobs['deploy-prod'].needs).toEqual(['deploy-dev']);
  expect([jobs['deploy-dev'].environment, jobs['deploy-prod'].environment]).toEqual(['dev', 'prod']);
  const runs = (job: string) => (jobs[job].steps ?? []).map((step) => step.run ?? '').join('\n');
  for (const job of ['deploy-dev', 'deploy-prod']) {
    expect(runs(job)).toMatch(/cdk deploy .*-c imageDigests="\$IMAGE_DIGESTS"/);
    // The smoke test comes after the deploy.
    expect(runs(job).indexOf('npm run smoke')).toBeGreaterThan(runs(job).indexOf('cdk deploy'));
  }
});

test('the deploy jobs deploy every platform stack but Delivery, which only an administrator deploys', () => {
  const { delivery, ...platformStacks } = STACK_IDS;
  for (const job of ['deploy-dev', 'deploy-prod']) {
    const deploy = (workflow.jobs[job].steps ?? []).map((step) => step.run ?? '').find((run) => run.includes('cdk deploy'))!;
    const stacks = /cdk deploy --exclusively ((?:\w+ )+)--/.exec(deploy)![1].trim().split(' ');
    expect([...stacks].sort()).toEqual(Object.values(platformStacks).sort());
    expect(stacks).not.toContain(delivery);
  }
});

test('the services image builds FROM a base pinned by digest', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'services', 'Dockerfile'), 'utf8');
  const from = dockerfile.split('\n').filter((line) => line.startsWith('FROM '));
  expect(from.length).toBeGreaterThan(0);
  for (const line of from) expect(line).toMatch(/^FROM [\w./-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}( AS \w+)?$/);
});
