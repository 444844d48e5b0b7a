// The short French privacy notice: one explanatory paragraph (shown at the top of
// the conversation) and a compact footer with the privacy link and "erase" button.

import { h, srOnly } from './dom.js';

/** @param {{commune?: string, retention?: string}} options */
export function privacyText({ commune, retention } = {}) {
  const who = commune ? `la mairie de ${commune}` : 'la mairie';
  return h(
    'p',
    { class: 'gw-privacy-text' },
    `Vos messages sont traités par ${who} uniquement pour vous répondre. `,
    'N’indiquez pas d’informations sensibles (santé, numéro de sécurité sociale, coordonnées bancaires). ',
    retention || 'La conversation reste sur cet appareil jusqu’à ce que vous l’effaciez.',
  );
}

/** @param {{url?: string, onErase?: () => void, eraseLabel?: string}} options */
export function privacyFooter({ url, onErase, eraseLabel } = {}) {
  return h(
    'p',
    { class: 'gw-privacy' },
    url ? h('a', { href: url, target: '_blank', rel: 'noopener' }, 'Données personnelles', srOnly(' (nouvelle fenêtre)')) : null,
    onErase ? h('button', { type: 'button', class: 'gw-link-button', onclick: onErase }, eraseLabel || 'Effacer la conversation') : null,
  );
}

/** Welcome block: a greeting line followed by the privacy paragraph. */
export function welcomeBlock(greeting, privacyOptions) {
  const block = document.createDocumentFragment();
  if (greeting) block.append(h('p', { class: 'gw-welcome-greeting' }, greeting));
  block.append(privacyText(privacyOptions));
  const wrapper = h('div', { class: 'gw-welcome-inner' });
  wrapper.append(block);
  return wrapper;
}
