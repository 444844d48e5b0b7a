// Turns a bot text into safe DOM: paragraphs, line breaks, **bold**,
// [label](url) and bare http(s) links. Never uses innerHTML.

import { h, srOnly } from './dom.js';

const TOKENS = /\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:|tel:)[^)\s]+)\)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])|\*\*([^*\n]+)\*\*/g;

function link(label, href, mode) {
  if (mode === 'text') {
    // Kiosk: no navigation away from the page; show where the link goes instead.
    return label === href ? h('span', { class: 'gw-url' }, href) : h('span', {}, `${label} (${href})`);
  }
  const external = /^https?:/.test(href);
  return h(
    'a',
    { href, target: external ? '_blank' : null, rel: external ? 'noopener noreferrer' : null },
    label,
    external ? srOnly(' (nouvelle fenêtre)') : null,
  );
}

function inline(line, mode) {
  const nodes = [];
  let last = 0;
  for (const match of line.matchAll(TOKENS)) {
    if (match.index > last) nodes.push(line.slice(last, match.index));
    const [, label, href, bare, bold] = match;
    if (href) nodes.push(link(label, href, mode));
    else if (bare) nodes.push(link(bare, bare, mode));
    else nodes.push(h('strong', {}, bold));
    last = match.index + match[0].length;
  }
  if (last < line.length) nodes.push(line.slice(last));
  return nodes;
}

/** @param {'new-tab'|'text'} linkMode */
export function formatText(text, linkMode = 'new-tab') {
  const fragment = document.createDocumentFragment();
  const paragraphs = String(text || '').split(/\n{2,}/);
  for (const paragraph of paragraphs) {
    const p = h('p');
    paragraph.split('\n').forEach((line, index) => {
      if (index) p.append(h('br'));
      p.append(...inline(line, linkMode).map((n) => (typeof n === 'string' ? document.createTextNode(n) : n)));
    });
    fragment.append(p);
  }
  return fragment;
}
