import type { FailureMode, Mode, GuardPhase } from '../guard.js';
import { DENY_CODES, type CoreDenyCode } from '../problem.js';
import type { DenyOutcome } from '../guard.js';
import { child, readEnum, readOptionalInteger, readOptionalString, type PolicyPath } from '../policy/reader.js';

/** Options every guard accepts, besides its own. */
export const COMMON_GUARD_KEYS = ['id', 'mode', 'onError', 'timeoutMs'] as const;

export interface CommonGuardOptions {
  readonly id: string;
  readonly mode: Mode | undefined;
  readonly onError: FailureMode;
  readonly timeoutMs: number | undefined;
}

export function readCommonGuardOptions(
  options: Record<string, unknown>,
  path: PolicyPath,
  defaults: { id: string; onError: FailureMode },
): CommonGuardOptions {
  const id = readOptionalString(options['id'], child(path, 'id')) ?? defaults.id;
  const mode = options['mode'] === undefined ? undefined : readEnum<Mode>(options['mode'], child(path, 'mode'), ['enforce', 'monitor']);
  const onError = readEnum<FailureMode>(options['onError'], child(path, 'onError'), ['deny', 'allow'], defaults.onError);
  const timeoutMs = readOptionalInteger(options['timeoutMs'], child(path, 'timeoutMs'), { min: 1, max: 60_000 });
  return { id, mode, onError, timeoutMs };
}

/** Builds a frozen deny outcome for a core code (built once, reused on every request). */
export function coreDeny(code: CoreDenyCode, extra: Partial<Omit<DenyOutcome, 'outcome' | 'code'>> = {}): DenyOutcome {
  const known = DENY_CODES[code];
  return Object.freeze({ outcome: 'deny' as const, status: known.status, title: known.title, code, ...extra });
}

export type { GuardPhase };
