/** Every conformance scenario, grouped by concern. Names are unique; order is stable. */
import type { Scenario } from '../scenario.js';
import { authScenarios } from './auth.js';
import { bodyScenarios } from './bodies.js';
import { corsScenarios } from './cors.js';
import { graphqlScenarios } from './graphql.js';
import { ipFilterScenarios } from './ip-filter.js';
import { limitScenarios } from './limits.js';
import { methodOverrideScenarios } from './method-override.js';
import { modeScenarios } from './modes.js';
import { normalizationScenarios } from './normalization.js';
import { openapiScenarios } from './openapi.js';
import { problemScenarios } from './problem.js';
import { rateLimitScenarios } from './rate-limit.js';
import { routeScenarios } from './routes.js';
import { securityHeaderScenarios } from './security-headers.js';

export const SCENARIOS: readonly Scenario[] = [
  ...methodOverrideScenarios,
  ...ipFilterScenarios,
  ...limitScenarios,
  ...routeScenarios,
  ...corsScenarios,
  ...securityHeaderScenarios,
  ...normalizationScenarios,
  ...bodyScenarios,
  ...modeScenarios,
  ...problemScenarios,
  ...authScenarios,
  ...rateLimitScenarios,
  ...graphqlScenarios,
  ...openapiScenarios,
];

const seen = new Set<string>();
for (const scenario of SCENARIOS) {
  if (seen.has(scenario.name)) throw new Error(`duplicate conformance scenario name: ${scenario.name}`);
  seen.add(scenario.name);
}
