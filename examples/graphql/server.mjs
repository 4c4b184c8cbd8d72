// An Express 5 service with a GraphQL endpoint behind Portcullis. Run: node examples/graphql/server.mjs
// The firewall analyzes every query (depth, cost, aliases, introspection) before graphql-js runs it,
// and a rate limit charges each client the cost of its queries.
import express from 'express';
import { buildSchema, graphql as execute } from 'graphql';
import { createFirewall } from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import { graphql } from '@portcullis/graphql';
import { rateLimit } from '@portcullis/rate-limit';

const schemaText = `
  type Query { books(first: Int): [Book!]! }
  type Book { title: String!, author: Author! }
  type Author { name: String!, books(first: Int): [Book!]! }
`;
const schema = buildSchema(schemaText);
const author = { name: 'Ada' };
const books = (args) => Array.from({ length: Math.min(args.first ?? 3, 3) }, (_, i) => ({ title: `Book ${i + 1}`, author }));
author.books = books;
const root = { books };

const firewall = createFirewall({
  version: 'graphql-example-1',
  routes: [{
    path: '/graphql',
    methods: ['GET', 'POST'],
    guards: [
      graphql({ schema: schemaText, limits: { depth: 5, cost: 500 } }),
      // After the analysis, in the body phase: each client may spend 2,000 points of cost a minute.
      rateLimit({ phase: 'body', limits: [{ points: 2_000, windowSeconds: 60 }], cost: (_request, context) => Number(context.annotations['graphql.cost'] ?? 1) }),
    ],
  }],
  unmatchedRoutes: 'deny',
  events: { sink: (event) => console.log(JSON.stringify(event)) },
});
await firewall.ready();

const app = express();
app.use(portcullis(firewall));
app.post('/graphql', async (req, res) => {
  // req.body is the object Portcullis read and analyzed.
  const { query, variables, operationName } = req.body;
  res.json(await execute({ schema, source: query, rootValue: root, variableValues: variables, operationName }));
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => console.log(`graphql example on http://127.0.0.1:${server.address().port}`));
