// The chat core shared by the website widget, the QR-code chat page and the kiosk:
// ties the connection, the stored conversation and the view together.

import { BotConnection } from './connection.js';
import { Emitter } from './emitter.js';
import { ConversationStore, MAX_MESSAGES } from './store.js';
import { ChatView } from './view.js';

const TYPING_TIMEOUT_MS = 30000;

const STATUS_TEXT = {
  offline:
    'Le service Guichet est momentanément injoignable. Nouvelle tentative de connexion en cours… ' +
    'Vos messages seront envoyés dès le retour de la connexion.',
  online: 'La connexion est rétablie.',
};

/** Converts a Rasa socket.io bot message into a transcript entry. */
export function toEntry(message) {
  const buttons = (message.quick_replies || message.buttons || [])
    .filter((b) => b && (b.payload || b.title))
    .map((b) => ({ title: String(b.title || b.payload), payload: String(b.payload || b.title) }));
  const entry = { role: 'bot', text: typeof message.text === 'string' ? message.text : '', buttons };
  const attachment = message.attachment;
  if (attachment && attachment.type === 'image' && attachment.payload && attachment.payload.src) {
    entry.image = String(attachment.payload.src);
  }
  return entry;
}

export class GuichetChat extends Emitter {
  /**
   * @param {object} options
   * @param {HTMLElement} options.container  where the conversation is rendered
   * @param {string} options.socketUrl       Rasa server URL (socket.io channel)
   * @param {string} [options.socketPath]    default /socket.io
   * @param {string} options.storageKey      'widget', 'chat', 'kiosk'…
   * @param {string} options.channel         'web' | 'kiosk' | 'qr'
   * @param {object|function} [options.metadata] extra customData (or a function returning it)
   * @param {string} [options.initialPayload] sent once when a new conversation starts
   * @param {Storage} [options.storage]      default localStorage
   * @param {boolean} [options.focusAfterReply] focus the input after a reply button (default true)
   * Events: 'session' (id), 'message' (entry), 'sent' (entry), 'status' (state), 'reset'.
   */
  constructor(options) {
    super();
    this.options = { socketPath: '/socket.io', metadata: {}, ...options };
    this.store = new ConversationStore(this.options.storageKey, this.options.storage);
    this.state = this.store.load();
    this.typingTimer = null;
    this.wasOffline = false;
    this.view = new ChatView(this.options.container, {
      maxLength: this.options.maxLength,
      linkMode: this.options.linkMode,
      welcome: this.options.welcome,
      privacy: this.options.privacy,
      onSubmit: (text) => this.sendText(text),
      onReply: (button) => {
        this.sendPayload(button.payload, button.title);
        // The clicked button disappears: keep the focus in the conversation.
        if (this.options.focusAfterReply !== false) this.focus();
      },
    });
    this.view.renderTranscript(this.state.transcript);
    this.connection = null;
  }

  get sessionId() {
    return this.state.sessionId;
  }

  get transcript() {
    return this.state.transcript.slice();
  }

  get meta() {
    return this.state.meta;
  }

  setMeta(values) {
    Object.assign(this.state.meta, values);
    this.persist();
  }

  /** Opens the socket (idempotent). */
  connect() {
    if (this.connection) return;
    const connection = new BotConnection({ url: this.options.socketUrl, path: this.options.socketPath });
    connection.on('session', (id) => this.onSession(id));
    connection.on('message', (message) => this.onBotMessage(message));
    connection.on('status', (state) => this.onStatus(state));
    connection.on('delivered', () => this.setTyping(true));
    this.connection = connection;
    connection.start(this.state.sessionId);
    // A new conversation opens with the initial payload (e.g. /greet): it is queued
    // until the session is confirmed, so it always goes before the visitor's words.
    if (this.options.initialPayload && !this.state.transcript.length && !this.state.meta.started) {
      this.sendPayload(this.options.initialPayload, null);
    }
  }

  onSession(id) {
    this.state.sessionId = id;
    this.persist();
    this.emit('session', id);
  }

  onStatus(state) {
    if (state === 'offline') {
      this.wasOffline = true;
      this.view.setTyping(false);
      this.view.setStatus(STATUS_TEXT.offline, 'error');
    } else if (state === 'online' && this.wasOffline) {
      this.wasOffline = false;
      this.view.setStatus(STATUS_TEXT.online, 'info');
      setTimeout(() => {
        if (!this.wasOffline && this.view.status.textContent === STATUS_TEXT.online) this.view.setStatus('');
      }, 4000);
    }
    this.emit('status', state);
  }

  onBotMessage(message) {
    this.setTyping(false);
    const entry = toEntry(message);
    if (!entry.text && !entry.image && !entry.buttons.length) return;
    this.push(entry);
    this.emit('message', entry);
  }

  /** Sends what the user typed; it is shown in the conversation. */
  sendText(text) {
    const message = String(text || '').trim();
    if (!message) return false;
    return this.deliver(message, message);
  }

  /** Sends a payload (e.g. '/greet'); `title` is shown as the user's message, null hides it. */
  sendPayload(payload, title) {
    if (!payload) return false;
    return this.deliver(payload, title);
  }

  deliver(message, shown) {
    this.connect();
    this.state.meta.started = true;
    if (shown) this.push({ role: 'user', text: shown });
    else this.persist();
    this.emit('sent', { message, shown });
    this.connection.send(message, this.customData());
    return true;
  }

  customData() {
    const extra = typeof this.options.metadata === 'function' ? this.options.metadata() : this.options.metadata;
    return {
      // Not "channel": Guichet's socket.io channel sets that one to "socketio".
      channel_kind: this.options.channel || 'web',
      page_url: window.location.origin + window.location.pathname,
      page_title: document.title,
      lang: 'fr',
      ...(extra || {}),
    };
  }

  push(entry) {
    this.state.transcript.push(entry);
    if (this.state.transcript.length > MAX_MESSAGES) {
      this.state.transcript = this.state.transcript.slice(-MAX_MESSAGES);
      this.view.renderTranscript(this.state.transcript);
    } else {
      this.view.addMessage(entry, this.state.transcript);
    }
    this.persist();
  }

  setTyping(visible) {
    clearTimeout(this.typingTimer);
    this.view.setTyping(visible);
    if (visible) this.typingTimer = setTimeout(() => this.view.setTyping(false), TYPING_TIMEOUT_MS);
  }

  persist() {
    this.store.save(this.state);
  }

  /** Forgets everything (screen and storage) and starts a brand-new session. */
  reset({ reconnect = true } = {}) {
    this.disconnect();
    this.store.clear();
    this.state = { sessionId: null, transcript: [], meta: {} };
    this.view.clear();
    this.emit('reset');
    if (reconnect) this.connect();
  }

  /** Continues another device's conversation (kiosk hand-over). */
  adopt(sessionId, transcript = []) {
    this.disconnect();
    this.state = { sessionId, transcript: transcript.slice(-MAX_MESSAGES), meta: { started: true } };
    this.persist();
    this.view.renderTranscript(this.state.transcript);
    this.connect();
  }

  disconnect() {
    if (this.connection) this.connection.stop();
    this.connection = null;
    this.setTyping(false);
  }

  focus() {
    this.view.focusInput();
  }
}
