// `npm run report`: the reviewer report of the environment in cdk.out, written to dist/report/ (HTML, Markdown, SVGs).
// Offline and deterministic. It reads the synthesized assembly from cdk.out, rebuilds the same platform in-process
// from cdk.json's context, the profile named by the stack names and the stacks' account and region (for the gate's findings, construct paths and the
// rendered Kubernetes objects), and refuses to run when the two disagree.
import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GATE_CACHE_DIR, platformFromContext } from '../lib/app';
import { rawGateFindings } from '../lib/compliance/gate-findings';
import { SERVICE_CATALOGUE } from '../lib/catalogue/service-catalogue';
import { SynthesizedPolicies } from '../lib/evidence/synthesized-policies';
import { projectRoot } from '../lib/private/project-root';
import { AssemblyView } from '../lib/evidence/assembly-view';
import { buildReviewerReport } from '../lib/report/build-report';
import { renderHtml, renderMarkdown } from '../lib/report/render-report';

async function main(): Promise<number> {
  const root = projectRoot();
  const cdkOut = path.join(root, 'cdk.out');
  if (!fs.existsSync(path.join(cdkOut, 'manifest.json'))) {
    console.error(`no cloud assembly in ${path.relative(root, cdkOut)}: run npm run synth first`);
    return 1;
  }
  const assembly = AssemblyView.fromDirectory(cdkOut);
  const profiles = [...new Set(assembly.stackNames.map((name) => /^(.+)-platform-[a-z]+$/.exec(name)?.[1]))];
  if (profiles.length !== 1 || profiles[0] === undefined) {
    console.error(`cannot tell the profile from the stack names in cdk.out (${assembly.stackNames.join(', ')}): run npm run synth again`);
    return 1;
  }
  const profile = profiles[0];

  // As the CLI synthesizes: cdk.json's context, construct paths in the template metadata (API deployment ids hash them).
  const context = {
    ...JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).context,
    profile,
    'aws:cdk:enable-path-metadata': true,
  };
  const app = new App({ context, builtinCloudFormationValidation: false, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'report-')) });
  // The account and region cdk.out was synthesized for (the CLI takes them from the caller's credentials).
  const { account, region } = assembly.assembly.stacks[0].environment;
  const platform = platformFromContext(app, SERVICE_CATALOGUE, { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region });
  const findings = rawGateFindings(app, { guard: true, guardCacheDirectory: GATE_CACHE_DIR }); // synthesizes the in-process app

  // Construct paths and findings come from the in-process app: it must be the environment in cdk.out.
  const rebuilt = new AssemblyView(app.synth());
  const differs = assembly.stackIds.filter((id) => {
    // The CLI adds AWS::CDK::Metadata (version reporting); an in-process synth does not.
    const ids = (view: AssemblyView) =>
      view.resources
        .filter((r) => r.stack === id && r.type !== 'AWS::CDK::Metadata')
        .map((r) => r.logicalId)
        .sort()
        .join();
    return ids(assembly) !== ids(rebuilt);
  });
  if (differs.length > 0 || rebuilt.stackIds.length !== assembly.stackIds.length) {
    console.error(
      `cdk.out differs from the platform rebuilt from cdk.json with profile ${profile} (stacks ${differs.join(', ') || 'list'}): ` +
        'it was synthesized with other context or older code; run npm run synth first',
    );
    return 1;
  }

  const report = await buildReviewerReport({
    platform,
    root: app,
    profile,
    assembly,
    policies: SynthesizedPolicies.fromAssembly(assembly.assembly),
    findings,
  });
  const out = path.join(root, 'dist', 'report');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'index.html'), renderHtml(report));
  fs.writeFileSync(path.join(out, 'index.md'), renderMarkdown(report));
  fs.writeFileSync(path.join(out, 'architecture.svg'), report.architectureSvg);
  if (report.callGraphSvg) fs.writeFileSync(path.join(out, 'call-graph.svg'), report.callGraphSvg);
  const count = (state: string) => report.controls.filter((c) => c.state === state).length;
  console.log(
    `wrote ${path.relative(root, out)}/index.html: ${report.controls.length} controls, ` +
      `${count('passing')} passing, ${count('acknowledged')} acknowledged, ${count('failing')} failing`,
  );
  return count('failing') > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
