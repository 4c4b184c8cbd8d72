// A Koa 3 service behind Portcullis. Run: node examples/koa/server.mjs (PORT=3000 by default).
import Koa from 'koa';
import { createFirewall } from '@portcullis/core';
import { portcullis } from '@portcullis/koa';
import { examplePolicy } from '../policy.mjs';

const firewall = createFirewall(examplePolicy);
await firewall.ready();

const app = new Koa();
app.use(portcullis(firewall));
app.use(async (ctx) => {
  const decision = ctx.state.portcullis;
  if (ctx.path === '/health') {
    ctx.body = { ok: true };
    return;
  }
  if (ctx.method === 'POST' && ctx.path === '/orders') {
    ctx.status = 201;
    ctx.body = { created: ctx.request.body }; // the validated object
    return;
  }
  ctx.body = { route: decision?.route?.id ?? null, params: decision?.route?.params ?? {} };
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => console.log(`koa example on http://127.0.0.1:${server.address().port}`));
