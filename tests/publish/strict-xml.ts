/**
 * A strict XML reader for the tests: saxes with namespaces rejects what XML
 * 1.0 and Namespaces in XML reject (illegal characters, bad escaping,
 * unbound prefixes, broken CDATA), and builds a tiny tree to query.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  local: string;
  uri: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseStrictXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const [name, attr] of Object.entries(tag.attributes)) attrs[name] = typeof attr === 'string' ? attr : attr.value;
    const element: XmlElement = { name: tag.name, local: tag.local ?? tag.name, uri: tag.uri ?? '', attrs, children: [], text: '' };
    stack.at(-1)?.children.push(element);
    stack.push(element);
    root ??= element;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (text: string): void => {
    const top = stack.at(-1);
    if (top) top.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(xml).close();
  if (failure) throw failure;
  if (!root) throw new Error('no root element');
  return root;
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

export function child(element: XmlElement, name: string): XmlElement {
  const found = element.children.find((c) => c.name === name);
  if (!found) throw new Error(`<${element.name}> has no <${name}>`);
  return found;
}

export function textOf(element: XmlElement, name: string): string {
  return child(element, name).text;
}
