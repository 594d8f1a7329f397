/*
 * The proxy's conversions between JSON and Postgres text: parameters sent as JSON values, and (only
 * without Neon-Raw-Text-Output, which the driver always sends) result values as JSON values.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The proxy's conversion of JSON parameters to Postgres text; the driver already sends strings or null. */
export function paramToText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

function arrayLiteral(values: unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    return JSON.stringify(typeof item === 'object' ? JSON.stringify(item) : item);
  });
  return `{${items.join(',')}}`;
}

const BOOL = 16;
const INT2 = 21;
const INT4 = 23;
const FLOAT4 = 700;
const FLOAT8 = 701;
const JSON_TYPE = 114;
const JSONB = 3802;
const NOT_CONVERTED = 25;
/** Built-in array types and their element types; arrays of other types stay text (the proxy knows all). */
const ARRAY_ELEMENT_TYPES = new Map<number, number>([
  [1000, BOOL],
  [1005, INT2],
  [1007, INT4],
  [1021, FLOAT4],
  [1022, FLOAT8],
  [199, JSON_TYPE],
  [3807, JSONB],
  ...[1001, 1009, 1014, 1015, 1016, 1028, 1115, 1182, 1183, 1185, 1187, 1231, 1270, 2951].map(
    (arrayType): [number, number] => [arrayType, NOT_CONVERTED],
  ),
]);

export function textToJson(text: string, dataTypeID: number): JsonValue {
  const elementType = ARRAY_ELEMENT_TYPES.get(dataTypeID);
  if (elementType !== undefined) return parseArray(text, elementType);
  switch (dataTypeID) {
    case BOOL:
      return text === 't';
    case INT2:
    case INT4:
      return Number(text);
    case FLOAT4:
    case FLOAT8:
      return Number.isFinite(Number(text)) ? Number(text) : text;
    case JSON_TYPE:
    case JSONB:
      return JSON.parse(text) as JsonValue;
    default:
      return text;
  }
}

function parseArray(text: string, elementType: number): JsonValue {
  // Bounds decoration such as `[0:1]={a,b}` has no JSON equivalent; the proxy drops it too.
  const source = text.startsWith('[') ? text.slice(text.indexOf('=') + 1) : text;
  let position = 0;
  const parseLevel = (): JsonValue[] => {
    const items: JsonValue[] = [];
    position++; // '{'
    while (position < source.length && source[position] !== '}') {
      if (source[position] === ',') position++;
      else if (source[position] === '{') items.push(parseLevel());
      else if (source[position] === '"') {
        let item = '';
        for (position++; position < source.length && source[position] !== '"'; position++) {
          if (source[position] === '\\') position++;
          item += source[position] ?? '';
        }
        position++;
        items.push(textToJson(item, elementType));
      } else {
        const length = source.slice(position).search(/[,}]/);
        const end = length < 0 ? source.length : position + length;
        const item = source.slice(position, end).trim();
        position = end;
        items.push(item === 'NULL' ? null : textToJson(item, elementType));
      }
    }
    position++; // '}'
    return items;
  };
  return parseLevel();
}
