// An Express 5 service whose OpenAPI document is its firewall policy. Run: node examples/openapi/server.mjs
// The document (openapi.yaml) decides which routes exist, what each parameter and body may hold, who
// may call what (its apiKey security scheme), and what a response may contain.
import express from 'express';
import { apiKey, hashApiKey } from '@portcullis/auth';
import { createFirewall } from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import { openapi, openapiRequest } from '@portcullis/openapi';

/** The example's one API key. A real service keeps only the hash (see docs/auth/api-keys.md). */
export const EXAMPLE_API_KEY = 'pk_example_4f1d0c7a2b9e';

const firewall = createFirewall({
  version: 'openapi-example-1',
  guards: [
    openapi({
      document: new URL('./openapi.yaml', import.meta.url),
      // The document's `apiKey` scheme is verified by this guard, for the operations that require it.
      security: { apiKey: apiKey({ header: 'x-api-key', keys: [{ hash: hashApiKey(EXAMPLE_API_KEY), clientId: 'example-client' }] }) },
      // Mass-assignment protection: objects without additionalProperties accept no extra fields.
      closedObjects: true,
      // A response that does not match the document (a leaked writeOnly field) is replaced by a 502.
      responses: 'enforce',
    }),
  ],
  events: { sink: (event) => console.log(JSON.stringify(event)) },
});
await firewall.ready();

const pets = [{ id: 1, name: 'Tom', species: 'cat', ownerEmail: 'owner@example.com' }];
/** What the API may show of a pet: never the owner's e-mail (writeOnly in the document). */
const view = ({ ownerEmail, ...pet }) => pet;

const app = express();
app.use(portcullis(firewall));
app.get('/api/health', (_req, res) => res.json({ ok: true }));
// The parameters as the contract validated them: `limit` is a number, `species` an array.
app.get('/api/pets', (req, res) => {
  const { limit = 20, species } = openapiRequest(req.portcullis)?.parameters.query ?? {};
  res.json(pets.filter((p) => species === undefined || species.includes(p.species)).slice(0, limit).map(view));
});
app.post('/api/pets', (req, res) => {
  const pet = { ...req.body, id: pets.length + 1 };
  pets.push(pet);
  res.status(201).json(view(pet));
});
// A bug on purpose: this handler forgets to hide ownerEmail. Portcullis replaces the response.
app.get('/api/pets/:petId', (req, res) => {
  const { petId } = openapiRequest(req.portcullis).parameters.path;
  const pet = pets.find((p) => p.id === petId);
  if (pet === undefined) res.status(404).end();
  else res.json(pet);
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => console.log(`openapi example on http://127.0.0.1:${server.address().port}`));
