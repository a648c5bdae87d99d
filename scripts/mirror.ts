// `npm run mirror -- [--apply] [--record] [--profile dev|prod] [--account <id> --region <region>]`: copies the exact
// Helm chart versions the platform installs into the account's ECR (`platform-charts/<chart>:<version>`), which an
// isolated cluster (`-c egress=isolated`) installs them from. A dry run unless --apply; every archive is checked
// against its digest in lib/compliance/chart-digests.json (--record trusts and records a version seen for the first
// time). Run it once before the first deploy, and after each chart version bump, from a machine with internet access
// and AWS credentials.
import { runMirrorCli } from './mirror/cli';

runMirrorCli({ argv: process.argv.slice(2), env: process.env, out: console.log, err: console.error }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
