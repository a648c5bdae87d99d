// `npm run incident -- <action> <target> [--apply] [--profile dev|prod]`: contain a breach (see docs/incident-response.md).
// Dry run unless --apply; one JSON line per step on stdout. Region from AWS_REGION (or AWS_DEFAULT_REGION), AWS
// credentials from the SDK's default chain, the cluster from the kubeconfig (aws eks update-kubeconfig --name <profile>-platform).
import { runIncidentCli } from './incident/cli';

runIncidentCli({ argv: process.argv.slice(2), env: process.env, out: console.log, err: console.error }).then((code) => {
  process.exitCode = code;
});
