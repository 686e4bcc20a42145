import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TfError } from '../../errors.js';

/** Elements that may repeat, so they are always arrays in the parsed tree. */
const ARRAY_TAGS = new Set(['testsuites', 'testsuite', 'testcase', 'failure', 'error', 'skipped', 'source', 'package', 'class', 'line', 'method']);

/** One parsed XML element: attributes under `@_name`, text under `#text`, children by tag name. */
export type XmlNode = Record<string, unknown>;

/** Lines around `line` (1-based) of `text`, bounded, for error evidence. */
export function snippetAround(text: string, line?: number): string {
  const lines = text.split('\n');
  const at = line !== undefined && line > 0 ? line - 1 : 0;
  const from = Math.max(0, at - 2);
  return lines.slice(from, at + 3).join('\n').slice(0, 600);
}

/**
 * Parse an XML document into plain objects. Malformed XML throws RESULT_PARSE_FAILED with the
 * validator's message, position and a snippet of the input as evidence.
 */
export function parseXmlDocument(xml: string, format: string): XmlNode {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { msg, line, col, code } = verdict.err;
    throw new TfError('RESULT_PARSE_FAILED', `${format} is not well-formed XML: ${msg}`, {
      details: { format, code, line, col, snippet: snippetAround(xml, line) },
      hint: 'The test tool may have crashed while writing its report; look at the sandbox output.',
    });
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => ARRAY_TAGS.has(name),
  });
  const doc: unknown = parser.parse(xml);
  if (typeof doc !== 'object' || doc === null) {
    throw new TfError('RESULT_PARSE_FAILED', `${format} parsed to nothing`, { details: { format, snippet: snippetAround(xml) } });
  }
  return doc as XmlNode;
}

/** Child elements named `tag` (always an array). */
export function childrenOf(node: XmlNode | undefined, tag: string): XmlNode[] {
  const value = node?.[tag];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  // `<skipped/>` parses to '' : keep it as an empty element.
  return list.map((v) => (typeof v === 'object' && v !== null ? (v as XmlNode) : { '#text': String(v) }));
}

export function attrOf(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return value === undefined || value === null ? undefined : String(value);
}

export function textOf(node: XmlNode | undefined): string {
  const value = node?.['#text'];
  return value === undefined || value === null ? '' : String(value);
}

export function numberAttr(node: XmlNode | undefined, name: string): number | undefined {
  const raw = attrOf(node, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
