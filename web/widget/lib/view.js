// Renders a conversation and its composer into a container. Knows nothing about
// sockets or storage: the controller (chat.js) feeds it messages and listens to it.

import { h, srOnly, uid } from './dom.js';
import { formatText } from './format.js';

export const DEFAULT_MAX_LENGTH = 2000;

const TEXT = {
  logLabel: 'Historique de la conversation',
  inputLabel: 'Votre message',
  placeholder: 'Votre message…',
  send: 'Envoyer',
  bot: 'Guichet : ',
  you: 'Vous : ',
  typing: 'Guichet rédige une réponse…',
  replies: 'Réponses proposées',
  empty: 'Votre message est vide. Écrivez votre question puis appuyez sur Entrée.',
  limit: (max) => `Vous avez atteint la limite de ${max} caractères.`,
  counter: (n, max) => `${n} / ${max} caractères`,
};

export class ChatView {
  /**
   * @param {HTMLElement} container
   * @param {{maxLength?: number, linkMode?: string, welcome?: string, privacy?: Node|null,
   *          onSubmit: (text: string) => void, onReply: (button: object) => void}} options
   */
  constructor(container, options) {
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    this.options = { maxLength: DEFAULT_MAX_LENGTH, linkMode: 'new-tab', ...given };
    this.container = container;
    this.build();
  }

  build() {
    const { maxLength } = this.options;
    const inputId = uid('gw-input');
    const counterId = uid('gw-counter');
    this.status = h('p', { class: 'gw-status', role: 'status' });
    this.messages = h('ol', { class: 'gw-messages' });
    this.typing = h(
      'div',
      { class: 'gw-typing', hidden: true },
      srOnly(TEXT.typing),
      h('span', { class: 'gw-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'gw-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'gw-dot', 'aria-hidden': 'true' }),
    );
    const { welcome } = this.options;
    this.welcome = welcome ? h('div', { class: 'gw-welcome' }, welcome instanceof Node ? welcome : h('p', {}, welcome)) : null;
    this.log = h(
      'div',
      { class: 'gw-log', role: 'region', 'aria-label': TEXT.logLabel, tabindex: '0' },
      this.welcome,
      this.messages,
      this.typing,
    );
    this.announcer = h('div', { class: 'gw-sr-only', 'aria-live': 'polite', 'data-gw-announcer': '' });
    this.input = h('textarea', {
      id: inputId,
      class: 'gw-input',
      rows: '1',
      maxlength: String(maxLength),
      placeholder: TEXT.placeholder,
      'aria-describedby': counterId,
      autocomplete: 'off',
    });
    this.counter = h('p', { class: 'gw-counter', id: counterId }, TEXT.counter(0, maxLength));
    this.sendButton = h('button', { type: 'submit', class: 'gw-send' }, TEXT.send);
    this.form = h(
      'form',
      { class: 'gw-composer', novalidate: true },
      h('label', { class: 'gw-sr-only', for: inputId }, TEXT.inputLabel),
      h('div', { class: 'gw-composer-row' }, this.input, this.sendButton),
      this.counter,
    );
    this.root = h(
      'div',
      { class: 'gw-chat' },
      this.status,
      this.log,
      this.announcer,
      this.form,
      this.options.privacy || null,
    );
    this.container.append(this.root);

    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => this.updateCounter());
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) {
      this.setStatus(TEXT.empty, 'info');
      this.input.focus();
      return;
    }
    this.input.value = '';
    this.updateCounter();
    if (this.status.dataset.kind === 'info') this.setStatus('');
    this.options.onSubmit(text.slice(0, this.options.maxLength));
  }

  updateCounter() {
    const { maxLength } = this.options;
    const length = this.input.value.length;
    this.counter.textContent = TEXT.counter(length, maxLength);
    this.counter.classList.toggle('gw-counter--full', length >= maxLength);
    if (length >= maxLength) this.setStatus(TEXT.limit(maxLength), 'info');
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }

  /** Shows (or clears, with '') a message about the connection or the input. */
  setStatus(text, kind = 'info') {
    this.status.textContent = text || '';
    this.status.dataset.kind = text ? kind : '';
  }

  setTyping(visible) {
    this.typing.hidden = !visible;
    if (visible) this.scrollToEnd();
  }

  /** Replaces everything shown by the given transcript (no announcements). */
  renderTranscript(transcript) {
    this.messages.replaceChildren();
    transcript.forEach((message) => this.messages.append(this.messageItem(message)));
    this.refreshReplies(transcript);
    this.scrollToEnd();
  }

  /** Appends one message; bot messages are announced to screen readers. */
  addMessage(message, transcript) {
    this.messages.append(this.messageItem(message));
    this.refreshReplies(transcript);
    if (message.role === 'bot') this.announce(`${TEXT.bot}${message.text || ''}`);
    this.scrollToEnd();
  }

  messageItem(message) {
    const bot = message.role === 'bot';
    const bubble = h('div', { class: 'gw-bubble' }, srOnly(bot ? TEXT.bot : TEXT.you));
    if (message.text) {
      if (bot) bubble.append(formatText(message.text, this.options.linkMode));
      else bubble.append(h('p', {}, message.text));
    }
    if (message.image) {
      bubble.append(h('img', { class: 'gw-image', src: message.image, alt: message.alt || 'Image envoyée par Guichet' }));
    }
    return h('li', { class: `gw-msg gw-msg--${bot ? 'bot' : 'user'}` }, bubble);
  }

  /** Reply buttons are offered only under the bot messages after the last user message. */
  refreshReplies(transcript) {
    this.messages.querySelectorAll('.gw-replies').forEach((el) => el.remove());
    const items = this.messages.children;
    for (let i = transcript.length - 1; i >= 0 && transcript[i].role === 'bot'; i -= 1) {
      const buttons = transcript[i].buttons || [];
      if (buttons.length && items[i]) items[i].append(this.repliesGroup(buttons));
    }
  }

  repliesGroup(buttons) {
    return h(
      'div',
      { class: 'gw-replies', role: 'group', 'aria-label': TEXT.replies },
      buttons.map((button) =>
        h('button', { type: 'button', class: 'gw-reply', onclick: () => this.options.onReply(button) }, button.title),
      ),
    );
  }

  announce(text) {
    this.announcer.append(h('p', {}, text));
    while (this.announcer.children.length > 3) this.announcer.firstChild.remove();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  focusInput() {
    this.input.focus();
  }

  clear() {
    this.messages.replaceChildren();
    this.announcer.replaceChildren();
    this.input.value = '';
    this.updateCounter();
    this.setTyping(false);
    this.setStatus('');
  }
}
