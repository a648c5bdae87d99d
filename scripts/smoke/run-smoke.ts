import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { apiChecks, CheckResult, runApiCheck, tokenCheck, tokenPlan, tokenRequests } from './checks';
import { SmokeTarget } from './discovery';
import { SmokeHttpClient } from './http-client';
import { newRunId, planRoutes, samplePlan } from './sample-plan';
import { requestAccessToken } from './token-client';

export interface SmokeRunOptions {
  readonly target: SmokeTarget;
  /**
   * The only CA to trust for the API and the token endpoint.
   * @default - Node's trust store, which includes NODE_EXTRA_CA_CERTS
   */
  readonly ca?: string;
}

/**
 * Gets the tokens, then runs every check in order, one request at a time (so latencies are the API's, and the
 * writes land before the reads that need them). Without every token there is nothing meaningful to call, so a
 * refused token ends the run after the token checks.
 */
export async function runSmoke(options: SmokeRunOptions): Promise<CheckResult[]> {
  const routes = planRoutes(SERVICE_CATALOGUE, samplePlan(newRunId()));
  const plan = tokenPlan(routes);
  const http = new SmokeHttpClient({ ca: options.ca });
  try {
    const results: CheckResult[] = [];
    const tokens = new Map<string, string>();
    for (const scopes of tokenRequests(plan)) {
      const response = await requestAccessToken(http, options.target, scopes);
      results.push(tokenCheck(scopes, response));
      if (response.accessToken) tokens.set(scopes.join(' '), response.accessToken);
    }
    if (results.some((result) => !result.passed)) return results;
    for (const check of apiChecks(routes, plan, (scopes) => tokens.get(scopes.join(' '))!)) {
      results.push(await runApiCheck(http, options.target.apiUrl, check));
    }
    return results;
  } finally {
    await http.close();
  }
}
