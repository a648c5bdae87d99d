// `npm run smoke -- --profile dev|prod`: a post-deploy smoke test of the API. Region from AWS_REGION (or
// AWS_DEFAULT_REGION), credentials from the SDK's default chain. It finds the API, the token endpoint and the machine
// client in the Edge stack's outputs, gets client-credentials tokens, and calls every public route of the service
// catalogue: with the right scope (2xx), without a token (401), with another scope (403), with a bad body (400).
// A private CA for the API or token endpoint is trusted through NODE_EXTRA_CA_CERTS, which Node reads itself.
import { runSmokeCli } from './smoke/cli';

runSmokeCli({ argv: process.argv.slice(2), env: process.env, out: console.log, err: console.error }).then((code) => {
  process.exitCode = code;
});
