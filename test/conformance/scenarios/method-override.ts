/** Method-override headers and `_method`: refused by default, passed on with `methodOverride: 'allow'`. */
import { denied, handled, policy, type Scenario } from '../scenario.js';

const refusing = policy('method override: default (deny)');
const allowing = policy('method override: allow', () => ({ methodOverride: 'allow' }));

export const methodOverrideScenarios: readonly Scenario[] = [
  {
    name: 'method override: X-HTTP-Method-Override header is refused',
    policy: refusing,
    request: { method: 'POST', target: '/echo', headers: [['X-HTTP-Method-Override', 'DELETE']] },
    expect: denied(400, 'method_override_refused'),
  },
  {
    name: 'method override: X-HTTP-Method header is refused',
    policy: refusing,
    request: { method: 'POST', target: '/echo', headers: [['X-HTTP-Method', 'PUT']] },
    expect: denied(400, 'method_override_refused'),
  },
  {
    name: 'method override: X-Method-Override header is refused (any case)',
    policy: refusing,
    request: { method: 'GET', target: '/echo', headers: [['x-METHOD-override', 'PATCH']] },
    expect: denied(400, 'method_override_refused'),
  },
  {
    name: 'method override: _method query parameter is refused',
    policy: refusing,
    request: { method: 'POST', target: '/echo?_method=DELETE' },
    expect: denied(400, 'method_override_refused'),
  },
  {
    name: 'method override: percent-encoded %5Fmethod query parameter is refused',
    policy: refusing,
    request: { method: 'GET', target: '/echo?x=1&%5Fmethod=DELETE' },
    expect: denied(400, 'method_override_refused'),
  },
  {
    name: 'method override: a request without override passes',
    policy: refusing,
    request: { method: 'DELETE', target: '/echo?method=x' },
    expect: handled({ method: 'DELETE' }),
  },
  {
    name: "method override: 'allow' passes the header on and the handler sees the real method",
    policy: allowing,
    request: { method: 'POST', target: '/echo', headers: [['X-HTTP-Method-Override', 'DELETE']] },
    expect: handled({ method: 'POST' }),
  },
  {
    name: "method override: 'allow' passes _method on",
    policy: allowing,
    request: { method: 'GET', target: '/echo?_method=DELETE' },
    expect: handled({ method: 'GET' }),
  },
];
