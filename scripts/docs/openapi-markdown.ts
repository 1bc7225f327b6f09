// Renders the service's OpenAPI 3.1 document as markdown. It covers the parts of JSON
// Schema that our zod schemas produce; anything else is printed as its raw keyword, so
// a new construct shows up in the generated page instead of vanishing from it.

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
  example?: unknown;
}

interface MediaContent {
  schema?: JsonSchema;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

export interface Operation {
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, MediaContent> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaContent> }>;
}

export interface OpenApiDocument {
  info?: { title?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: {
    schemas?: Record<string, JsonSchema>;
    securitySchemes?: Record<string, { type?: string; scheme?: string }>;
  };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** How the page says who may call a route; the schemes are the ones app.ts registers. */
const SECURITY_WORDS: Record<string, string> = {
  adminToken: '`Authorization: Bearer $THIQA_ADMIN_TOKEN` (401 without it, 403 when wrong)',
  editToken: '`Authorization: Bearer <editToken>` returned when the report was made',
};

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function schemaName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function schemaLink(ref: string): string {
  const name = schemaName(ref);
  return `[${code(name)}](#${headingAnchor(name)})`;
}

function literal(value: unknown): string {
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Text from the document, which could otherwise be read as an HTML tag (`Bearer <editToken>`). */
function prose(text: string): string {
  return text.replace(/</g, '&lt;');
}

/** A compact type: `string`, `integer or null`, `array of Complaint`, `{ report: …, complaintId: integer }`. */
export function typeOf(schema: JsonSchema | undefined): string {
  if (schema === undefined || Object.keys(schema).length === 0) return 'any JSON';
  if (schema.$ref) return schemaLink(schema.$ref);
  if (schema.allOf) return schema.allOf.map(typeOf).join(' and ');
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum && schema.enum.length === 1) return literal(schema.enum[0]);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return code(JSON.stringify(schema));
  return types
    .map((type) => {
      if (type === 'array') return `array of ${typeOf(schema.items)}`;
      if (type === 'object' && schema.properties) {
        const required = new Set(schema.required ?? []);
        const fields = Object.entries(schema.properties).map(
          ([name, field]) => `${name}${required.has(name) ? '' : '?'}: ${typeOf(field)}`,
        );
        return `{ ${fields.join(', ')} }`;
      }
      return type;
    })
    .join(' or ');
}

function range(low: number | undefined, high: number | undefined, unit: string): string | undefined {
  const suffix = unit ? ` ${unit}` : '';
  if (low !== undefined && high !== undefined) return low === high ? `${low}${suffix}` : `${low}–${high}${suffix}`;
  if (low !== undefined) return `≥ ${low}${suffix}`;
  if (high !== undefined) return `≤ ${high}${suffix}`;
  return undefined;
}

const FORMAT_WORDS: Record<string, string> = {
  uuid: 'a UUID',
  date: 'a date, YYYY-MM-DD',
  'date-time': 'an ISO 8601 time',
  email: 'an e-mail address',
  uri: 'a URI',
};

/** What a value must be beyond its type: allowed values, lengths, ranges, formats, patterns. */
export function rulesOf(schema: JsonSchema | undefined): string {
  if (schema === undefined) return '';
  const rules: string[] = [];
  if (schema.enum && schema.enum.length > 1) rules.push(`one of ${schema.enum.map(literal).join(', ')}`);
  const length = range(schema.minLength, schema.maxLength, 'characters');
  if (length) rules.push(length);
  const bounds = range(schema.minimum, schema.maximum, '');
  if (bounds) rules.push(bounds);
  const items = range(schema.minItems, schema.maxItems, 'items');
  if (items) rules.push(items);
  if (schema.format) rules.push(FORMAT_WORDS[schema.format] ?? `format ${code(schema.format)}`);
  if (schema.pattern) rules.push(`matches ${code(schema.pattern)}`);
  if (schema.description) rules.push(prose(schema.description));
  if (schema.example !== undefined) rules.push(`e.g. ${literal(schema.example)}`);
  return rules.join('; ');
}

/** A table cell: a pipe would end the cell, even inside a code span, and a line break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A table padded the way the formatter (Biome) lays markdown tables out, so `biome check` passes. */
export function markdownTable(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, column) => Math.max(3, ...cells.map((row) => Array.from(row[column] ?? '').length)));
  const line = (row: string[]) =>
    `| ${row.map((text, column) => text + ' '.repeat((widths[column] ?? 0) - Array.from(text).length)).join(' | ')} |`;
  const [head = [], ...body] = cells;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

function fieldRows(schema: JsonSchema): string[][] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, field]) => [
    code(name),
    typeOf(field),
    required.has(name) ? 'yes' : 'no',
    rulesOf(field),
  ]);
}

function fieldTable(schema: JsonSchema): string {
  return markdownTable(['field', 'type', 'required', 'rules'], fieldRows(schema));
}

function bodyOf(content: Record<string, MediaContent> | undefined): string {
  const entries = Object.entries(content ?? {});
  if (entries.length === 0) return '—';
  return entries
    .map(([media, { schema }]) => (media === 'application/json' ? typeOf(schema) : `${code(media)} ${typeOf(schema)}`))
    .join('; or ');
}

function renderRequestBody(operation: Operation): string[] {
  const body = operation.requestBody;
  if (!body?.content) return [];
  const needed = body.required ? 'required' : 'optional';
  const blocks: string[] = [];
  const others: string[] = [];
  for (const [media, { schema }] of Object.entries(body.content)) {
    if (schema?.type === 'object' && schema.properties) {
      const closed = schema.additionalProperties === false ? '; no other field' : '';
      blocks.push(`Request body, ${code(media)} (${needed}${closed}):`, fieldTable(schema));
    } else {
      others.push(`${code(media)}: ${typeOf(schema)}`);
    }
  }
  if (others.length > 0) blocks.push(`Request body (${needed}), ${others.join(', or ')}.`);
  if (body.description) blocks.push(prose(body.description));
  return blocks;
}

function renderParameters(operation: Operation): string[] {
  const parameters = operation.parameters ?? [];
  if (parameters.length === 0) return [];
  const rows = parameters.map((parameter) => [
    code(parameter.name),
    parameter.in,
    typeOf(parameter.schema),
    parameter.required ? 'yes' : 'no',
    // zod-openapi copies a parameter's description into its schema too: say it once.
    rulesOf({ ...parameter.schema, description: parameter.description ?? parameter.schema?.description }),
  ]);
  return [markdownTable(['parameter', 'in', 'type', 'required', 'rules'], rows)];
}

function renderResponses(operation: Operation): string[] {
  const rows = Object.entries(operation.responses ?? {}).map(([status, response]) => [
    status,
    prose(response.description ?? ''),
    bodyOf(response.content),
  ]);
  return rows.length === 0 ? [] : [markdownTable(['status', 'meaning', 'body'], rows)];
}

function securityOf(path: string, operation: Operation, adminPrefix: string): string | undefined {
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  // The admin routes share one bearer middleware rather than a per-route declaration.
  if (schemes.length === 0 && path.startsWith(adminPrefix)) schemes.push('adminToken');
  if (schemes.length === 0) return undefined;
  return schemes.map((scheme) => SECURITY_WORDS[scheme] ?? code(scheme)).join(' or ');
}

interface Route {
  method: string;
  path: string;
  operation: Operation;
}

function routesOf(document: OpenApiDocument): Route[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method: method.toUpperCase(),
      path,
      operation: item[method] as Operation,
    })),
  );
}

function routeHeading(route: Route): string {
  return `${route.method} ${route.path}`;
}

function renderRoute(route: Route, adminPrefix: string): string[] {
  const { operation } = route;
  const blocks = [`### ${code(routeHeading(route))}`];
  const words = [operation.summary, operation.description].filter(Boolean).join('. ');
  if (words) blocks.push(prose(/[.!?]$/.test(words) ? words : `${words}.`));
  const security = securityOf(route.path, operation, adminPrefix);
  if (security) blocks.push(`Authorization: ${security}.`);
  return [...blocks, ...renderParameters(operation), ...renderRequestBody(operation), ...renderResponses(operation)];
}

function renderIndex(routes: Route[]): string {
  return routes
    .map((route) => {
      const heading = code(routeHeading(route));
      const summary = route.operation.summary ? `: ${prose(route.operation.summary)}` : '';
      return `- [${heading}](#${headingAnchor(routeHeading(route))})${summary}`;
    })
    .join('\n');
}

export interface MarkdownOptions {
  /** Routes under this prefix are listed apart, as the admin API. */
  adminPrefix: string;
}

/** The reference part of the page: an index, every route, then every named schema. */
export function openApiToMarkdown(document: OpenApiDocument, options: MarkdownOptions): string {
  const routes = routesOf(document);
  const publicRoutes = routes.filter((route) => !route.path.startsWith(options.adminPrefix));
  const adminRoutes = routes.filter((route) => route.path.startsWith(options.adminPrefix));
  const blocks: string[] = ['## Index of routes', renderIndex(routes), '## Public routes'];
  for (const route of publicRoutes) blocks.push(...renderRoute(route, options.adminPrefix));
  blocks.push(`## Admin routes (${code(`${options.adminPrefix}*`)})`);
  for (const route of adminRoutes) blocks.push(...renderRoute(route, options.adminPrefix));
  const schemas = Object.entries(document.components?.schemas ?? {});
  if (schemas.length > 0) {
    blocks.push('## Schemas', 'The named shapes the routes above answer with.');
    for (const [name, schema] of schemas) {
      blocks.push(`### ${code(name)}`);
      if (schema.description) blocks.push(prose(schema.description));
      blocks.push(schema.properties ? fieldTable(schema) : `${typeOf(schema)}.`);
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
