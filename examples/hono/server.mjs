// A Hono 4 service behind Portcullis, on Node through @hono/node-server.
// Run: node examples/hono/server.mjs (PORT=3000 by default).
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { createFirewall } from '@portcullis/core';
import { portcullis } from '@portcullis/hono';
import { examplePolicy } from '../policy.mjs';

const firewall = createFirewall(examplePolicy);
await firewall.ready();

const app = new Hono();
app.use(portcullis(firewall));
app.get('/health', (c) => c.json({ ok: true }));
app.get('/orders', (c) => c.json({ orders: [], route: c.get('portcullis').route?.id }));
app.post('/orders', async (c) => c.json({ created: await c.req.json() }, 201)); // the validated object
app.get('/orders/:id', (c) => c.json({ id: c.req.param('id') }));
app.delete('/orders/:id', (c) => c.body(null, 204));

const port = Number(process.env.PORT ?? 3000);
serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info) => console.log(`hono example on http://127.0.0.1:${info.port}`));
