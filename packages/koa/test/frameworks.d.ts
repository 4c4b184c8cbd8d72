// Types for the aliased installs of Koa used by the tests (`koa2`, `koa3` are npm aliases of
// `koa`; @types/koa describes both majors' shared surface).
declare module 'koa2' {
  import Koa from 'koa';
  export = Koa;
}
declare module 'koa3' {
  import Koa from 'koa';
  export = Koa;
}
