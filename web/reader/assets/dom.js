/* global document */
/**
 * The one way the pages build DOM: elements with attributes and text children. API text only ever becomes a text
 * node here, never markup, so a hostile title or summary cannot inject HTML.
 */

/**
 * `h('a', { href: '#/', class: 'chip' }, 'All sources', child)`: strings become text nodes, null/false are skipped,
 * arrays are flattened. Props starting with `on` are event listeners; `true` sets a boolean attribute.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  applyProps(element, props);
  element.append(...flatten(children));
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements (the ops charts). */
export function svg(tag, props = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  applyProps(element, props);
  element.append(...flatten(children));
  return element;
}

function applyProps(element, props) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function flatten(children) {
  const nodes = [];
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    nodes.push(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return nodes;
}
