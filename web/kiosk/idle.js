// Inactivity timer of the kiosk: warns, then expires, unless poked by activity.

export class IdleTimer {
  /**
   * @param {{timeout: number, warning: number, onWarn: (seconds: number) => void,
   *          onTick?: (secondsLeft: number) => void, onExpire: () => void}} options
   *   timeout and warning are in seconds; the warning starts `warning` s before expiry.
   */
  constructor(options) {
    this.options = options;
    this.timers = [];
    this.running = false;
    this.warning = false;
  }

  start() {
    this.running = true;
    this.schedule();
  }

  stop() {
    this.running = false;
    this.warning = false;
    this.clear();
  }

  /** Call on every user interaction. */
  poke() {
    if (this.running) this.schedule();
  }

  clear() {
    this.timers.forEach((timer) => {
      clearTimeout(timer);
      clearInterval(timer);
    });
    this.timers = [];
  }

  schedule() {
    this.clear();
    this.warning = false;
    const { timeout, warning } = this.options;
    const warnAfter = Math.max(0, timeout - warning) * 1000;
    this.timers.push(setTimeout(() => this.warn(), warnAfter));
  }

  warn() {
    const { warning } = this.options;
    this.warning = true;
    const deadline = Date.now() + warning * 1000;
    this.options.onWarn(warning);
    this.timers.push(
      setInterval(() => {
        const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        if (this.options.onTick) this.options.onTick(left);
      }, 1000),
    );
    this.timers.push(
      setTimeout(() => {
        this.stop();
        this.options.onExpire();
      }, warning * 1000),
    );
  }
}

/** Reads a positive number of seconds; returns fallback when absent or invalid. */
export function seconds(value, fallback) {
  const number = Number.parseFloat(value);
  return Number.isFinite(number) && number > 0 ? number : fallback;
}
