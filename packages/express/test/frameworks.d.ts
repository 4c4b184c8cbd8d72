// Types for the aliased installs of Express used by the tests (`express4`, `express5` are npm
// aliases of `express`; @types/express describes both majors' shared surface).
declare module 'express4' {
  import express from 'express';
  export = express;
}
declare module 'express5' {
  import express from 'express';
  export = express;
}
