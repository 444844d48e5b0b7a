// "Continuer sur mon téléphone": shows a one-time QR code, waits for the phone
// to redeem it, then lets the kiosk reset itself.

import { cancelHandover, createHandover, handoverStatus } from './handover-api.js';

export class HandoverDialog {
  /**
   * @param {{dialog: HTMLDialogElement, getConversation: () => {sessionId: string, transcript: object[]},
   *          onRedeemed: () => void, pollMs?: number, resetDelayMs?: number}} options
   */
  constructor(options) {
    this.options = { pollMs: 2000, resetDelayMs: 4000, ...options };
    const { dialog } = options;
    this.dialog = dialog;
    this.image = dialog.querySelector('[data-handover-qr]');
    this.link = dialog.querySelector('[data-handover-url]');
    this.expiry = dialog.querySelector('[data-handover-expiry]');
    this.status = dialog.querySelector('[data-handover-status]');
    this.instructions = dialog.querySelector('[data-handover-instructions]');
    this.retryButton = dialog.querySelector('[data-handover-retry]');
    this.closeButton = dialog.querySelector('[data-handover-close]');
    this.token = null;
    this.done = false;
    this.timers = [];
    this.closeButton.addEventListener('click', () => this.close());
    this.retryButton.addEventListener('click', () => this.open());
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      this.close();
    });
  }

  async open() {
    this.stopTimers();
    this.done = false;
    const { sessionId, transcript } = this.options.getConversation();
    this.showCode(false);
    this.setStatus('Préparation du code…');
    if (!this.dialog.open) this.dialog.showModal();
    const result = await createHandover(sessionId, transcript);
    if (!result.ok) {
      this.setStatus(result.data.detail || 'Le transfert est impossible pour le moment. Veuillez réessayer.', 'error');
      this.retryButton.hidden = false;
      return;
    }
    const { token, url, qr_url: qrUrl, expires_in: expiresIn } = result.data;
    this.token = token;
    this.dialog.dataset.token = token;
    this.image.src = qrUrl;
    this.link.textContent = url;
    this.showCode(true);
    this.setStatus('');
    this.countdown(expiresIn);
    this.poll();
  }

  showCode(visible) {
    this.image.hidden = !visible;
    this.instructions.hidden = !visible;
    this.link.parentElement.hidden = !visible;
    this.expiry.parentElement.hidden = !visible;
    this.retryButton.hidden = true;
  }

  setStatus(text, kind = 'info') {
    this.status.textContent = text;
    this.status.dataset.kind = text ? kind : '';
  }

  countdown(seconds) {
    const deadline = Date.now() + seconds * 1000;
    const render = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const rest = String(left % 60).padStart(2, '0');
      this.expiry.textContent = `${minutes} min ${rest} s`;
      if (!left) this.expired();
    };
    render();
    this.timers.push(setInterval(render, 1000));
  }

  poll() {
    const token = this.token;
    const tick = async () => {
      const state = await handoverStatus(token);
      if (token !== this.token) return;
      if (state === 'redeemed') this.redeemed();
      else if (state === 'expired' || state === 'unknown') this.expired();
    };
    this.timers.push(setInterval(tick, this.options.pollMs));
  }

  redeemed() {
    this.stopTimers();
    this.token = null;
    this.done = true;
    this.showCode(false);
    this.retryButton.hidden = true;
    this.setStatus('C’est fait ! La conversation continue sur votre téléphone. Cette borne va maintenant tout effacer. Bonne journée !', 'success');
    this.timers.push(
      setTimeout(() => this.close({ revoke: false }), this.options.resetDelayMs),
    );
  }

  expired() {
    if (!this.token) return;
    this.stopTimers();
    this.token = null;
    this.showCode(false);
    this.setStatus('Ce code a expiré. Vous pouvez en demander un nouveau.', 'error');
    this.retryButton.hidden = false;
  }

  /** Closing after a successful hand-over resets the kiosk at once. */
  close({ revoke = true, notify = true } = {}) {
    this.stopTimers();
    if (revoke && this.token) cancelHandover(this.token);
    this.token = null;
    delete this.dialog.dataset.token;
    this.image.removeAttribute('src');
    if (this.dialog.open) this.dialog.close();
    const wasDone = this.done;
    this.done = false;
    if (wasDone && notify) this.options.onRedeemed();
  }

  stopTimers() {
    this.timers.forEach((timer) => {
      clearTimeout(timer);
      clearInterval(timer);
    });
    this.timers = [];
  }
}
