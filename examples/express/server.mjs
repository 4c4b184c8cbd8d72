// An Express 5 service behind Portcullis. Run: node examples/express/server.mjs (PORT=3000 by default).
import express from 'express';
import { createFirewall } from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import { examplePolicy } from '../policy.mjs';

const firewall = createFirewall(examplePolicy);
await firewall.ready();

const app = express();
app.use(portcullis(firewall)); // first: nothing runs before the firewall decided
app.get('/health', (_req, res) => res.json({ ok: true }));
app.get('/orders', (req, res) => res.json({ orders: [], route: req.portcullis?.route?.id }));
app.post('/orders', (req, res) => res.status(201).json({ created: req.body })); // the validated object
app.get('/orders/:id', (req, res) => res.json({ id: req.params.id }));
app.delete('/orders/:id', (_req, res) => res.status(204).end());

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => console.log(`express example on http://127.0.0.1:${server.address().port}`));
