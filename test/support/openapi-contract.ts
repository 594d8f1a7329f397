/**
 * Checks an answer of the app against its own OpenAPI document: the status is documented for the
 * operation, the content type is one it lists, a JSON body matches its schema, and every header the
 * response documents as required is there. Operations are found by reading the document, so a route added
 * later is checked as soon as it is documented, and an undocumented one shows up as a violation.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface MediaType {
  schema?: unknown;
}
interface HeaderObject {
  required?: boolean;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, HeaderObject>;
}
interface Operation {
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const DOCUMENT_ID = 'urn:workshop-api:openapi';

const pointer = (...segments: string[]) =>
  segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

const mediaTypeOf = (contentType: string | null) => contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

interface PathMatcher {
  template: string;
  pattern: RegExp;
  literalLength: number;
}

function pathMatchers(document: OpenApiDocument): PathMatcher[] {
  return (
    Object.keys(document.paths)
      .map((template) => {
        const source = template
          .split(/(\{[^}]+\})/)
          .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
          .join('');
        return {
          template,
          pattern: new RegExp(`^${source}$`),
          literalLength: template.replace(/\{[^}]+\}/g, '').length,
        };
      })
      // A literal segment wins over a template one (`/health/live` before a `/health/{x}`).
      .sort((a, b) => b.literalLength - a.literalLength)
  );
}

export interface ContractCheck {
  method: string;
  /** The request path, without query string. */
  path: string;
  response: Response;
}

export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly matchers: PathMatcher[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    // OpenAPI's own format for raw bytes: nothing for JSON Schema to check.
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(document as object, DOCUMENT_ID);
    this.matchers = pathMatchers(document);
  }

  private validator(jsonPointer: string): ValidateFunction {
    let validate = this.validators.get(jsonPointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#/${jsonPointer}` });
      this.validators.set(jsonPointer, validate);
    }
    return validate;
  }

  private schemaErrors(jsonPointer: string, text: string): string[] {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return ['the body is not valid JSON'];
    }
    const validate = this.validator(jsonPointer);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `body${error.instancePath || ''} ${error.message ?? 'is invalid'} (${error.schemaPath})`,
    );
  }

  /** How the document's JSON request body schema for an operation judges `body`: empty when it accepts it. */
  requestBodyErrors(method: string, template: string, body: unknown): string[] {
    const validate = this.validator(
      pointer(
        'paths',
        template,
        method.toLowerCase(),
        'requestBody',
        'content',
        'application/json',
        'schema',
      ),
    );
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `body${error.instancePath || ''} ${error.message ?? ''}`);
  }

  private templateFor(path: string): string | undefined {
    return this.matchers.find((matcher) => matcher.pattern.test(path))?.template;
  }

  /** Every way the response departs from the document; empty when it keeps to it. */
  async violations({ method, path, response }: ContractCheck): Promise<string[]> {
    const template = this.templateFor(path);
    const lowerMethod = method.toLowerCase();
    const item = template ? this.document.paths[template] : undefined;
    const documentedMethod =
      item && lowerMethod in item ? lowerMethod : lowerMethod === 'head' && item?.get ? 'get' : undefined;
    const text = method === 'HEAD' ? '' : await response.clone().text();
    const mediaType = mediaTypeOf(response.headers.get('Content-Type'));

    if (!template || !item || !documentedMethod) {
      // CORS preflights answer for the method they announce; everything else off the map is an error.
      if (method === 'OPTIONS') return [];
      // A path off the map may redirect to its documented spelling (`/api/docs/` → `/api/docs`).
      const location = response.headers.get('Location');
      if ((response.status === 301 || response.status === 308) && location) {
        const target = new URL(location, 'http://contract.invalid').pathname;
        if (this.templateFor(target)) return [];
        return [`${method} ${path} redirects to ${target}, which is not documented either`];
      }
      if (response.status < 400)
        return [`${method} ${path} answered ${response.status} but is not documented`];
      const problems = this.problemErrors(text, mediaType, method);
      if (template && item && response.status === 405 && !response.headers.has('Allow')) {
        problems.push('a 405 must name the allowed methods in Allow');
      }
      return problems;
    }

    const responses = item[documentedMethod]?.responses ?? {};
    const status = String(response.status);
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => candidate in responses);
    if (!key)
      return [`status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
    const documented = responses[key] ?? {};
    const found: string[] = [];

    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required && !response.headers.has(name))
        found.push(`the documented header ${name} is missing`);
    }

    const content = documented.content ?? {};
    if (method === 'HEAD' || text.length === 0) {
      if (Object.keys(content).length > 0 && method !== 'HEAD') found.push('the documented body is missing');
      return found;
    }
    if (Object.keys(content).length === 0) {
      found.push(`a body (${mediaType || 'no content type'}) where the document has none`);
      return found;
    }
    const documentedType = Object.keys(content).find((type) => type.toLowerCase() === mediaType);
    if (!documentedType) {
      found.push(`content type ${mediaType || '(none)'} is not one of ${Object.keys(content).join(', ')}`);
      return found;
    }
    if (isJson(mediaType) && content[documentedType]?.schema) {
      found.push(
        ...this.schemaErrors(
          pointer('paths', template, documentedMethod, 'responses', key, 'content', documentedType, 'schema'),
          text,
        ),
      );
    }
    return found;
  }

  /** An answer no operation documents must still be a problem document. */
  private problemErrors(text: string, mediaType: string, method: string): string[] {
    if (method === 'HEAD') return [];
    if (mediaType !== 'application/problem+json') return [`content type ${mediaType} is not problem+json`];
    return this.schemaErrors(pointer('components', 'schemas', 'Problem'), text);
  }
}

/** Throws, naming each departure, when the response does not keep to the document. */
export async function assertKeepsToContract(contract: OpenApiContract, check: ContractCheck): Promise<void> {
  const found = await contract.violations(check);
  if (found.length === 0) return;
  const body = check.response.bodyUsed ? '' : (await check.response.clone().text()).slice(0, 500);
  throw new Error(
    `${check.method} ${check.path} → ${check.response.status} departs from the OpenAPI document:\n` +
      `${found.map((line) => `  - ${line}`).join('\n')}\n  body: ${body}`,
  );
}
