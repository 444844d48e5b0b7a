// Tiny DOM helpers shared by the chat modules (no innerHTML anywhere).

let counter = 0;

/** Returns a document-unique id with the given prefix. */
export function uid(prefix = 'gw') {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/**
 * Creates an element: h('button', {type: 'button', class: 'x', onclick: fn}, 'Texte').
 * Attributes whose value is null/false are skipped; `true` sets an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'text') {
      el.textContent = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Visually hidden text that screen readers still read. */
export function srOnly(text) {
  return h('span', { class: 'gw-sr-only' }, text);
}
