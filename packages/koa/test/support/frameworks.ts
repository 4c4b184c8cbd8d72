/** Test support (not a test file): both Koa majors, so every test runs on each. */
import type KoaApplication from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';

export type KoaClass = typeof Koa2;
/** An application with Koa's default state and context (where `portcullis` is declared). */
export type KoaApp = KoaApplication;

export const KOA_VERSIONS: ReadonlyArray<readonly [name: string, Koa: KoaClass]> = [
  ['koa@2', Koa2],
  ['koa@3', Koa3 as KoaClass],
];
