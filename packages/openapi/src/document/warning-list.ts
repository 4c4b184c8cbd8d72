import type { DocumentWarning } from './types.js';

/**
 * How many warnings of one code are kept. Large documents repeat the same leniency thousands of
 * times; a start-up diagnostic listing all of them helps nobody, so the rest are counted in one
 * closing warning per code.
 */
export const MAX_WARNINGS_PER_CODE = 20;

/** Collects warnings, keeping at most MAX_WARNINGS_PER_CODE per code and counting the others. */
export class WarningList {
  private readonly kept: DocumentWarning[] = [];
  private readonly perCode = new Map<string, number>();

  add(warning: DocumentWarning): void {
    const count = (this.perCode.get(warning.code) ?? 0) + 1;
    this.perCode.set(warning.code, count);
    if (count <= MAX_WARNINGS_PER_CODE) this.kept.push(warning);
  }

  /** The kept warnings, followed by one `<code>` warning per code that went over the limit. */
  toArray(summaryLocation: string): DocumentWarning[] {
    const out = [...this.kept];
    for (const [code, count] of this.perCode) {
      if (count > MAX_WARNINGS_PER_CODE) {
        out.push({
          code,
          location: summaryLocation,
          message: `${count - MAX_WARNINGS_PER_CODE} more warnings of this kind were not listed (${count} in all)`,
        });
      }
    }
    return out;
  }
}
