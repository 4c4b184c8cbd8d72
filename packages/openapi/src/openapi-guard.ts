import {
  ALLOW,
  PolicyError,
  childPath,
  defineGuard,
  type AllowOutcome,
  type CompileContext,
  type FirewallRequest,
  type Guard,
  type GuardContext,
  type GuardDefinition,
  type GuardOutcome,
  type GuardPhase,
  type ParsedBody,
} from '@portcullis/core';
import { validateRequestBody } from './body/validate-request-body.js';
import { openApiDeny } from './codes.js';
import { buildContract, type Contract, type OperationEntry } from './contract/contract.js';
import { asPolicyError } from './contract/document-errors.js';
import { DocumentError } from './document/types.js';
import { OperationRuntime } from './contract/operation-runtime.js';
import { readOptions, type OpenApiOptions, type ResolvedOptions } from './options.js';
import { OPENAPI_DATA_KEY, type OpenApiRequestData } from './request-data.js';
import { responseHook } from './response/response-hook.js';
import { stripBasePath } from './routing/base-paths.js';
import { SchemaCompiler } from './schema/schema-compiler.js';
import type { ValidationIssue } from './schema/types.js';
import { credentialQueryNames, resolveRequirements } from './security/requirements.js';
import { SecurityCheck } from './security/security-check.js';
import { runGuards } from './operation-guards.js';
import { suggestionFor } from './suggest.js';

/** What the request phase found, for the later phases of the same request. */
interface Match {
  readonly operation: OperationRuntime;
  readonly params: Readonly<Record<string, string>>;
}

const NO_BODY: ParsedBody = Object.freeze({ kind: 'none' });
/** Core's JSON limits already bound parsed bodies; form bodies get the same bounds. */
const FORM_LIMITS = { maxDepth: 8, maxKeys: 1000 } as const;

/**
 * Contract enforcement from an OpenAPI 3.0/3.1 document (docs/openapi.md): requests are routed by
 * the document's paths (undocumented ones refused or reported), the operation's security schemes
 * are enforced, parameters and bodies are validated against its schemas, and optionally responses.
 *
 * Compiles to several guards, one per phase it works in:
 * - `request`: routing (404, 405 with `Allow`), before anything else is spent on the request;
 * - `authorization`: the operation's security requirements (only when the document or policy has
 *   some), after every identity guard of the policy whatever the order they are listed in;
 * - `body`: parameters and body, once core has read the body with its caps;
 * - one more per phase used by `operations.<id>.guards`.
 */
export function openapi<OperationId extends string = string>(options: OpenApiOptions<OperationId>): GuardDefinition {
  return defineGuard('openapi', (context) => compileContractGuards(readOptions(options, context.path), context));
}

function compileContractGuards(o: ResolvedOptions, context: CompileContext): readonly Guard[] {
  const path = context.path;
  let contract: Contract;
  try {
    contract = buildContract(o.document, { baseDir: o.baseDir, basePath: o.basePath });
  } catch (error) {
    throw asPolicyError(error, childPath(path, 'document'));
  }
  for (const id of o.operations.keys()) {
    if (!contract.byOperationId.has(id)) {
      throw new PolicyError(childPath(childPath(path, 'operations'), id), `no operation of the document has this operationId${suggestionFor(id, [...contract.byOperationId.keys()])}`);
    }
  }
  const compiler = new SchemaCompiler(contract.document, { closedObjects: o.closedObjects, formats: o.formats, maxIssues: o.maxErrors });
  const security = new SecurityCheck(o.security, contract.schemes, context, path);
  const runtimes = new Map<OperationEntry, OperationRuntime>();
  const credentialQuery = credentialQueryNames(contract.schemes);
  const extraPhases = new Set<GuardPhase>();
  const extraGuards: Guard[] = [];
  for (const entry of contract.operations) {
    const policy = entry.operationId === undefined ? undefined : o.operations.get(entry.operationId);
    let operationSecurity = entry.security;
    if (policy?.security !== undefined) {
      const at = childPath(policy.path, 'security');
      try {
        operationSecurity = resolveRequirements(policy.security, contract.schemes, (index) => `${at}[${index}]`);
      } catch (error) {
        throw asPolicyError(error, at);
      }
    }
    const byPhase = new Map<GuardPhase, Guard[]>();
    (policy?.guards ?? []).forEach((definition, index) => {
      const compiled = definition.compile({ ...context, path: childPath(childPath(policy?.path ?? path, 'guards'), index) });
      for (const guard of Array.isArray(compiled) ? (compiled as readonly Guard[]) : [compiled as Guard]) {
        const list = byPhase.get(guard.phase) ?? [];
        list.push(guard);
        byPhase.set(guard.phase, list);
        extraPhases.add(guard.phase);
        extraGuards.push(guard);
      }
    });
    runtimes.set(entry, new OperationRuntime(entry, contract.document, compiler, o, policy, operationSecurity, byPhase, credentialQuery));
  }
  const anySecurity = [...runtimes.values()].some((runtime) => runtime.security !== undefined);
  const responsesWanted = o.responses !== 'off' || [...o.operations.values()].some((p) => p.responses !== undefined && p.responses !== 'off');
  const reported = new Set<string>();
  const reportWarnings = (): void => {
    for (const warning of [...contract.warnings, ...compiler.warnings]) {
      const key = `${warning.code} ${warning.location}`;
      if (reported.has(key)) continue;
      reported.add(key);
      context.report({ code: 'PC_OPENAPI_DOCUMENT_WARNING', severity: 'warn', guard: o.common.id, path, message: `${warning.location}: ${warning.message} (${warning.code})` });
    }
  };
  reportWarnings();

  const matches = new WeakMap<FirewallRequest, Match>();
  /**
   * An operation adopted in `monitor` mode: its refusals are reported, not enforced. Only monitored
   * operations pay for the copy, and only on a refusal.
   */
  const modeOf = (operation: OperationRuntime, outcome: GuardOutcome): GuardOutcome =>
    outcome.outcome === 'deny' && operation.policy?.mode === 'monitor' ? { ...outcome, reportOnly: true } : outcome;

  /**
   * `compile: 'lazy'`: an operation compiles on its first request. A document problem found then is
   * reported with its location (the engine's own report names only the error's class) and fails the
   * request by the guard's `onError`; the warnings it finds are reported like start-up ones.
   */
  const lazilyCompiled = new WeakSet<OperationRuntime>();
  const compileOnFirstUse = (operation: OperationRuntime): void => {
    if (lazilyCompiled.has(operation)) return;
    try {
      operation.compileAll(false);
    } catch (error) {
      if (error instanceof DocumentError) {
        context.report({ code: 'PC_OPENAPI_COMPILE_FAILED', severity: 'error', guard: o.common.id, path, message: `${operation.entry.id}: ${error.message} (run checkContract() before deploying a lazy policy)` });
      }
      throw error;
    }
    lazilyCompiled.add(operation);
    reportWarnings();
  };

  const undocumented = undocumentedOutcomes(o, () =>
    // Shadow endpoints: the decision carries `openapi.undocumented`; operators also get a (throttled) diagnostic.
    context.report({ code: 'PC_OPENAPI_UNDOCUMENTED_ROUTE', severity: 'info', guard: o.common.id, path, message: 'a request reached a path or method the document does not describe (see decisions annotated openapi.undocumented)' }),
  );
  const allowFor = new Map<OperationRuntime, AllowOutcome>();
  for (const runtime of runtimes.values()) allowFor.set(runtime, Object.freeze({ outcome: 'allow' as const, annotations: Object.freeze({ 'openapi.operation': runtime.entry.id }) }));
  const methodRefusals = new Map<string, GuardOutcome>();

  /** What every guard of this definition shares: its kind and the common options. */
  const shell = (suffix: string, phase: GuardPhase) =>
    ({ id: suffix === '' ? o.common.id : `${o.common.id}.${suffix}`, kind: 'openapi', phase, mode: o.common.mode, onError: o.common.onError, timeoutMs: o.common.timeoutMs }) as const;

  const routing: Guard = {
    ...shell('', 'request'),
    evaluate(request: FirewallRequest, guardContext: GuardContext): GuardOutcome {
      const path = stripBasePath(request.path, contract.basePaths);
      if (path === undefined) return undocumented.route();
      const found = contract.router.find(path, request.method);
      if (found.kind === 'not-found') return undocumented.route();
      if (found.kind === 'method-not-allowed') {
        const allow = found.allow.join(', ');
        let refusal = methodRefusals.get(allow);
        if (refusal === undefined) {
          refusal = undocumented.method(allow);
          // Bounded: one entry per distinct Allow set, i.e. per path shape of the document.
          methodRefusals.set(allow, refusal);
        }
        undocumented.notice();
        return refusal;
      }
      const operation = runtimes.get(found.candidate.value) as OperationRuntime;
      matches.set(request, { operation, params: found.params });
      const responses = operation.policy?.responses ?? o.responses;
      if (responses !== 'off') {
        guardContext.onResponseBody(
          responseHook(operation, {
            guardId: o.common.id,
            maxBytes: o.maxResponseBytes,
            enforce: responses === 'enforce' && guardContext.mode === 'enforce' && operation.policy?.mode !== 'monitor',
            requestId: guardContext.requestId,
            report: (diagnostic) => context.report({ ...diagnostic, path }),
          }),
        );
      }
      return allowFor.get(operation) as AllowOutcome;
    },
    async ready(): Promise<void> {
      try {
        if (o.compile === 'eager') for (const runtime of runtimes.values()) runtime.compileAll(responsesWanted);
      } catch (error) {
        throw asPolicyError(error, childPath(path, 'document'));
      } finally {
        reportWarnings();
      }
      await Promise.all([...security.guards, ...extraGuards].map((guard) => guard.ready?.()));
    },
    async close(): Promise<void> {
      await Promise.all([...security.guards, ...extraGuards].map((guard) => guard.close?.()));
    },
  };

  const guards: Guard[] = [routing];
  if (extraPhases.has('request')) guards.push(operationGuards('request'));
  if (extraPhases.has('identity')) guards.push(operationGuards('identity'));
  if (anySecurity) {
    guards.push({
      // The authorization phase: after every identity guard of the policy and its routes, wherever
      // openapi() is listed, so that a scheme verified by the policy ('policy') sees its identity.
      ...shell('security', 'authorization'),
      evaluate(request, guardContext) {
        const match = matches.get(request);
        if (match === undefined) return ALLOW;
        const outcome = security.evaluate(match.operation.security, request, guardContext);
        if (outcome === undefined) return ALLOW;
        return outcome instanceof Promise ? outcome.then((result) => modeOf(match.operation, result)) : modeOf(match.operation, outcome);
      },
    });
  }
  for (const phase of ['authorization', 'rate-limit'] as const) if (extraPhases.has(phase)) guards.push(operationGuards(phase));
  guards.push({
    ...shell('contract', 'body'),
    evaluate(request) {
      const match = matches.get(request);
      if (match === undefined) return ALLOW;
      const operation = match.operation;
      if (o.compile === 'lazy') compileOnFirstUse(operation);
      const parameters = operation.parameters.validate({ path: match.params, rawQuery: request.rawQuery, headers: request.headers, cookies: request.cookies });
      const finish = (body: ParsedBody): GuardOutcome => {
        const verdict = validateRequestBody(operation.body, body, request.headers.get('content-type'), contract.document, {
          coercion: o.coercion,
          ...FORM_LIMITS,
        });
        if (verdict.kind === 'required') return modeOf(operation, BODY_REQUIRED);
        if (verdict.kind === 'media-type') return modeOf(operation, MEDIA_TYPE_UNDOCUMENTED);
        const issues: ValidationIssue[] = parameters.ok ? [] : [...parameters.issues];
        if (verdict.kind === 'invalid') for (const issue of verdict.issues) if (issues.length < o.maxErrors) issues.push(issue);
        if (issues.length === 0 && parameters.ok) {
          // The handler gets the parameters as validated (typed), through Decision.data.
          const data: OpenApiRequestData = { operationId: operation.entry.id, parameters: parameters.values };
          return verdict.kind === 'valid' && !verdict.checked
            ? { outcome: 'allow', annotations: BODY_UNCHECKED_ANNOTATIONS, data: { [OPENAPI_DATA_KEY]: data } }
            : { outcome: 'allow', data: { [OPENAPI_DATA_KEY]: data } };
        }
        return modeOf(operation, openApiDeny('request_invalid', { errors: issues.slice(0, o.maxErrors), annotations: { 'openapi.operation': operation.entry.id } }));
      };
      if (!mayHaveBody(request)) return finish(NO_BODY);
      return request.body().then(finish);
    },
  });
  if (extraPhases.has('body')) guards.push(operationGuards('body'));
  return guards;

  function operationGuards(phase: GuardPhase): Guard {
    return {
      ...shell(`operations.${phase}`, phase),
      evaluate(request, guardContext) {
        const match = matches.get(request);
        const list = match?.operation.extraGuards.get(phase);
        if (match === undefined || list === undefined) return ALLOW;
        const outcome = runGuards(list, request, guardContext);
        return outcome instanceof Promise ? outcome.then((result) => modeOf(match.operation, result)) : modeOf(match.operation, outcome);
      },
    };
  }
}

const BODY_REQUIRED = openApiDeny('body_required');
const MEDIA_TYPE_UNDOCUMENTED = openApiDeny('media_type_undocumented');
/** A documented media type Portcullis does not parse (multipart, binary): only its media type was checked. */
const BODY_UNCHECKED_ANNOTATIONS = Object.freeze({ 'openapi.body': 'unchecked' });

/** Whether the request can carry a body (core reads it only then). */
function mayHaveBody(request: FirewallRequest): boolean {
  return (request.contentLength !== undefined && request.contentLength > 0) || request.headers.has('transfer-encoding');
}

/** The answers for undocumented routes and methods, per the `undocumented` option. */
function undocumentedOutcomes(o: ResolvedOptions, notice: () => void): { route(): GuardOutcome; method(allow: string): GuardOutcome; notice(): void } {
  const annotations = Object.freeze({ 'openapi.undocumented': true });
  const reportOnly = o.undocumented === 'monitor';
  const routeDeny = openApiDeny('route_undocumented', { annotations, ...(reportOnly ? { reportOnly } : {}) });
  const allowed: AllowOutcome = Object.freeze({ outcome: 'allow', annotations });
  return {
    route: () => {
      if (o.undocumented !== 'deny') notice();
      return o.undocumented === 'allow' ? allowed : routeDeny;
    },
    method: (allow) =>
      o.undocumented === 'allow' ? allowed : openApiDeny('method_undocumented', { headers: [['allow', allow]], annotations, ...(reportOnly ? { reportOnly } : {}) }),
    notice: () => {
      if (o.undocumented !== 'deny') notice();
    },
  };
}
