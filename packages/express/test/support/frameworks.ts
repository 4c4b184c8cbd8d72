/** Test support (not a test file): both Express majors, so every test runs on each. */
import express4 from 'express4';
import express5 from 'express5';

export type ExpressFactory = typeof express4;

export const EXPRESS_VERSIONS: ReadonlyArray<readonly [name: string, express: ExpressFactory]> = [
  ['express@4', express4],
  ['express@5', express5 as ExpressFactory],
];
