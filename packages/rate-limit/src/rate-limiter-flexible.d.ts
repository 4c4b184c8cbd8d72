// rate-limiter-flexible's base class for custom stores is public API in its types.d.ts, but its
// index does not re-export it at run time: it is loaded from its file (the package has no exports
// map). This declares that file's module.
declare module 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js' {
  import { RateLimiterStoreAbstract } from 'rate-limiter-flexible';
  export default RateLimiterStoreAbstract;
}
