/**
 * docs/openapi.json loaded for tests: its component schemas compiled with ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1), and a check of one handler result against one documented response.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Schema {
  readonly $ref?: string;
  readonly [keyword: string]: unknown;
}
export interface ResponseSpec {
  readonly $ref?: string;
  readonly headers?: Record<string, { readonly $ref?: string; readonly schema?: Schema }>;
  readonly content?: Record<string, { readonly schema: Schema }>;
}
export type Operation = 'get' | 'post' | 'delete';
interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Partial<Record<Operation, { readonly responses: Record<string, ResponseSpec> }>>>;
  readonly components: {
    readonly schemas: Record<string, Schema>;
    readonly responses: Record<string, ResponseSpec>;
    readonly headers: Record<string, { readonly schema: Schema }>;
  };
}

export const DOCUMENT_ID = 'https://newsweave.invalid/openapi.json';
export const OPENAPI_PATH = resolve(import.meta.dirname, '..', '..', 'docs', 'openapi.json');
export const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;

// Strict mode, so that a misspelt or misplaced keyword in the document fails here instead of being ignored.
export const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addKeyword({ keyword: 'components' });
ajv.addSchema({ $id: DOCUMENT_ID, components: doc.components });

function local<T>(ref: string): T {
  const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
  const found = (doc.components as unknown as Record<string, Record<string, T>>)[section ?? '']?.[name ?? ''];
  if (!found) throw new Error(`unresolved ${ref}`);
  return found;
}

export function responseSpec(template: string, status: number, operation: Operation = 'get'): ResponseSpec {
  const spec = doc.paths[template]?.[operation]?.responses[String(status)];
  if (!spec) throw new Error(`docs/openapi.json documents no ${status} for ${operation.toUpperCase()} ${template}`);
  return spec.$ref ? local<ResponseSpec>(spec.$ref) : spec;
}

export function schemaErrors(schema: Schema, value: unknown): string[] {
  if (!schema.$ref) throw new Error('response schemas are expected to be references to components');
  const check = ajv.getSchema(`${DOCUMENT_ID}${schema.$ref}`);
  if (!check) throw new Error(`unresolved ${schema.$ref}`);
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

export function conformanceErrors(result: APIGatewayProxyStructuredResultV2, spec: ResponseSpec): string[] {
  const problems: string[] = [];
  const contentType = String(result.headers?.['content-type'] ?? '');
  const media = Object.keys(spec.content ?? {})[0];
  if (!media) {
    // A response documented without content (204) must have none.
    if (result.body !== undefined && result.body !== '') problems.push('a body where none is documented');
    if (contentType !== '') problems.push(`content-type ${contentType} without a body`);
  } else if (!contentType.startsWith(media)) problems.push(`content-type ${contentType} is not ${media}`);
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    const headerSchema = header.$ref ? local<{ schema: Schema }>(header.$ref).schema : header.schema;
    const value = result.headers?.[name.toLowerCase()];
    if (value === undefined) problems.push(`header ${name} missing`);
    else if (headerSchema && !ajv.validate(headerSchema, String(value))) problems.push(`header ${name}: ${String(value)}`);
  }
  const schema = spec.content?.[media ?? '']?.schema;
  if (schema) problems.push(...schemaErrors(schema, JSON.parse(result.body ?? 'null')));
  return problems;
}
