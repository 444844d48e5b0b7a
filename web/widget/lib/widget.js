// The floating website widget: a launcher button and a non-modal chat panel.

import { GuichetChat } from './chat.js';
import { themeFor } from './colors.js';
import { h, uid } from './dom.js';
import { privacyFooter, welcomeBlock } from './privacy.js';

const OPEN_KEY = 'guichet:widget-open';

const CHAT_ICON =
  'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';

function icon(path) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

function rememberOpen(open) {
  try {
    if (open) window.sessionStorage.setItem(OPEN_KEY, '1');
    else window.sessionStorage.removeItem(OPEN_KEY);
  } catch (error) {
    // sessionStorage unavailable: the panel just starts closed.
  }
}

function wasOpen() {
  try {
    return window.sessionStorage.getItem(OPEN_KEY) === '1';
  } catch (error) {
    return false;
  }
}

/**
 * @param {object} options  see docs/web.md (socketUrl, title, subtitle, primaryColor,
 *   initialPayload, metadata, commune, privacyUrl, launcherLabel, position, open, storageKey)
 */
export function mountWidget(options) {
  const titleId = uid('gw-title');
  const panelId = uid('gw-panel');
  const launcher = h(
    'button',
    { type: 'button', class: 'gw-launcher', 'aria-expanded': 'false', 'aria-controls': panelId },
    icon(CHAT_ICON),
    h('span', { class: 'gw-launcher-label' }, options.launcherLabel || 'Une question ?'),
  );
  const closeButton = h(
    'button',
    { type: 'button', class: 'gw-close', 'aria-label': 'Fermer la discussion' },
    h('span', { 'aria-hidden': 'true' }, '×'),
  );
  const body = h('div', { class: 'gw-body' });
  const panel = h(
    'section',
    { id: panelId, class: 'gw-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': titleId, hidden: true },
    h(
      'div',
      { class: 'gw-header' },
      h(
        'div',
        { class: 'gw-heading' },
        h('h2', { id: titleId, class: 'gw-title' }, options.title || 'Guichet'),
        options.subtitle ? h('p', { class: 'gw-subtitle' }, options.subtitle) : null,
      ),
      closeButton,
    ),
    body,
  );
  const root = h('div', { class: 'gw-root', 'data-position': options.position === 'left' ? 'left' : 'right', lang: 'fr' }, launcher, panel);
  for (const [name, value] of Object.entries(themeFor(options.primaryColor))) root.style.setProperty(name, value);
  document.body.append(root);

  let chat = null;
  const ensureChat = () => {
    if (chat) return chat;
    chat = new GuichetChat({
      container: body,
      socketUrl: options.socketUrl,
      socketPath: options.socketPath,
      storageKey: options.storageKey || 'widget',
      channel: 'web',
      metadata: options.metadata || {},
      initialPayload: options.initialPayload,
      welcome: welcomeBlock(options.welcome || 'Posez votre question, Guichet vous répond tout de suite.', {
        commune: options.commune,
      }),
      privacy: privacyFooter({
        url: options.privacyUrl,
        onErase: () => {
          chat.reset();
          chat.focus();
        },
      }),
    });
    chat.connect();
    return chat;
  };

  const open = ({ focus = true } = {}) => {
    ensureChat();
    panel.hidden = false;
    root.classList.add('gw-root--open');
    launcher.setAttribute('aria-expanded', 'true');
    rememberOpen(true);
    chat.view.scrollToEnd();
    if (focus) chat.focus();
  };
  const close = () => {
    panel.hidden = true;
    root.classList.remove('gw-root--open');
    launcher.setAttribute('aria-expanded', 'false');
    rememberOpen(false);
    launcher.focus();
  };

  launcher.addEventListener('click', () => (panel.hidden ? open() : close()));
  closeButton.addEventListener('click', close);
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });

  if (options.open || wasOpen()) open({ focus: false });

  return {
    open,
    close,
    send: (text) => ensureChat().sendText(text),
    reset: () => ensureChat().reset(),
    get chat() {
      return ensureChat();
    },
  };
}
