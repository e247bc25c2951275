import * as z from 'zod';
import { errorSchema, type Operation } from './operation.js';
import type { ApiRoute } from './routes.js';

/**
 * The OpenAPI 3.1 document of the API, made from the route table and the operations (their zod
 * schemas, as JSON Schema 2020-12). `npm run openapi` writes it to openapi.json; CI fails when the
 * committed copy is stale, and the API serves it at `GET /openapi.json`.
 */

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/** One schema as JSON Schema, inline (parameters: plain strings, numbers and enums). */
function inlineSchema(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
  return rest;
}

/** Named schemas, and the shared ones they use (`.meta({ id })`), as `components.schemas` with `$ref`s between them. */
class Components {
  private readonly registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };

  ref(name: string, schema: z.ZodType, io: Io): JsonSchema {
    const registry = this.registries[io];
    const id = schema.meta()?.id ?? name;
    if (!registry.has(schema)) registry.add(schema, { id: typeof id === 'string' ? id : name });
    return { $ref: `#/components/schemas/${registry.get(schema)?.id}` };
  }

  schemas(): Record<string, JsonSchema> {
    const all: Record<string, JsonSchema> = {};
    for (const io of ['input', 'output'] as const) {
      const { schemas } = z.toJSONSchema(this.registries[io], {
        io,
        unrepresentable: 'any',
        uri: (id) => `#/components/schemas/${id}`,
      });
      // Schemas with an id (`.meta({ id })`) that are used only inside others come as `__shared`'s $defs: they are components too.
      const { __shared: shared, ...named } = schemas;
      const everyOne = { ...named, ...(shared?.$defs ?? {}) } as Record<string, JsonSchema>;
      for (const [id, generated] of Object.entries(everyOne)) {
        const {
          $schema: _schema,
          $id: _id,
          ...schema
        } = JSON.parse(JSON.stringify(generated).replaceAll('#/components/schemas/__shared#/$defs/', '#/components/schemas/')) as JsonSchema;
        const named = withDiscriminator(schema);
        if (all[id] && JSON.stringify(all[id]) !== JSON.stringify(named)) throw new Error(`two different schemas are named ${id}`);
        all[id] = named;
      }
    }
    return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** A `oneOf` whose every branch fixes `kind` says so, for generators that build a type per kind. */
function withDiscriminator(schema: JsonSchema): JsonSchema {
  const branches = schema['oneOf'];
  const tagged =
    Array.isArray(branches) &&
    branches.every((branch: JsonSchema) => (branch['properties'] as Record<string, JsonSchema> | undefined)?.['kind']?.['const'] !== undefined);
  return tagged ? { ...schema, discriminator: { propertyName: 'kind' } } : schema;
}

const pathParameterNames = (path: string) => [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] ?? '');

function parametersOf(route: ApiRoute, operation: Operation): JsonSchema[] {
  const declared = Object.keys(operation.params?.schema.shape ?? {}).sort();
  const inPath = pathParameterNames(route.path).sort();
  if (JSON.stringify(declared) !== JSON.stringify(inPath)) {
    throw new Error(`${route.method} ${route.path}: operation ${operation.id} declares path parameters [${declared}], the path has [${inPath}]`);
  }
  const fields = (location: 'path' | 'query' | 'header', shape: Record<string, z.ZodType>) =>
    Object.entries(shape).map(([name, schema]) => {
      const generated = inlineSchema(schema, 'input');
      const { description, ...rest } = generated;
      return {
        name,
        in: location,
        required: location === 'path' || !schema.safeParse(undefined).success,
        ...(description ? { description } : {}),
        schema: rest,
      };
    });
  return [
    ...fields('path', (operation.params?.schema.shape ?? {}) as Record<string, z.ZodType>),
    ...fields('query', (operation.query?.shape ?? {}) as Record<string, z.ZodType>),
    ...fields('header', (operation.headers?.shape ?? {}) as Record<string, z.ZodType>),
  ];
}

function errorResponses(route: ApiRoute, operation: Operation, components: Components): Record<string, JsonSchema> {
  // A page route's own refusals are pages; API Gateway's (a malformed path, a body over 10 MB) are JSON everywhere.
  const html = operation.pageRefusals === true || operation.responses[200]?.content?.['text/html'] !== undefined;
  const gateway = { 'application/json': { schema: components.ref('Error', errorSchema, 'output') } };
  const content = html ? { 'text/html': { schema: { type: 'string' } }, ...gateway } : gateway;
  return {
    '4XX': {
      description:
        'Refused: invalid input (400, with `issues` per field), not signed in (401), not allowed (403), not found (404), ' +
        'not possible in the current state (409), an expired link (410), a body over the limit (413), an Idempotency-Key reused (422).',
      content,
    },
    ...(route.publicBecause ? {} : { 401: { description: 'No valid bearer token (answered by API Gateway).', content: gateway } }),
    503: {
      description: 'A dependency is busy or down; nothing was changed. Retry after the seconds in `Retry-After`.',
      headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'string' } } },
      content,
    },
  };
}

function operationObject(route: ApiRoute, operation: Operation, components: Components): JsonSchema {
  const responses = Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.headers ? { headers: response.headers } : {}),
        ...(response.emptyAllowed ? { 'x-empty-body-allowed': true } : {}),
        ...(response.content
          ? {
              content: Object.fromEntries(
                Object.entries(response.content).map(([type, schema]) => [
                  type,
                  schema === null
                    ? { schema: { type: 'string', contentEncoding: 'binary' } }
                    : {
                        schema: type === 'text/html' ? inlineSchema(schema, 'output') : components.ref(`${operation.id}${status}`, schema, 'output'),
                      },
                ]),
              ),
            }
          : {}),
      },
    ]),
  );
  const parameters = parametersOf(route, operation);
  return {
    operationId: operation.id,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    ...(route.publicBecause ? { security: [], 'x-public-because': route.publicBecause } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: operation.body.required ?? true,
            description: `At most ${operation.body.maxBytes} bytes (413 above).`,
            content: { [operation.body.contentType]: { schema: components.ref(`${operation.id}Body`, operation.body.schema, 'input') } },
          },
        }
      : {}),
    responses: { ...responses, ...errorResponses(route, operation, components) },
  };
}

/** The document for `routes`, each answered by the operation it names. */
export function openApiDocument(info: ApiInfo, routes: readonly ApiRoute[], operations: Record<string, Operation>): JsonSchema {
  const components = new Components();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const used = new Set<string>();
  for (const route of routes) {
    const operation = operations[route.operationId];
    if (!operation || operation.id !== route.operationId) throw new Error(`${route.method} ${route.path}: no operation ${route.operationId}`);
    if (used.has(operation.id)) throw new Error(`operation ${operation.id} answers two routes`);
    used.add(operation.id);
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`${route.method} ${route.path} is routed twice`);
    item[method] = operationObject(route, operation, components);
  }
  const unrouted = Object.keys(operations).filter((id) => !used.has(id));
  if (unrouted.length) throw new Error(`operations no route answers: ${unrouted.join(', ')}`);
  const sortedPaths = Object.fromEntries(
    Object.entries(paths)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, item]) => [path, Object.fromEntries(HTTP_METHODS.map((m) => m.toLowerCase()).flatMap((m) => (item[m] ? [[m, item[m]]] : [])))]),
  );
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ staffJwt: [] }],
    paths: sortedPaths,
    components: {
      securitySchemes: {
        staffJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "The office's identity provider's token; `sub` is the employee id (E1234). Verified by API Gateway's JWT authorizer.",
        },
      },
      schemas: components.schemas(),
    },
  };
}
