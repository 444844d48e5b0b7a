/*
 * Guichet website widget — embed with ONE script tag:
 *   <script src="https://guichet.example.fr/widget/guichet-widget.js"
 *           data-title="Guichet" data-commune="Villebrune" defer></script>
 * Options are data-* attributes (see docs/web.md). The chat core is loaded as
 * ES modules from the same folder; the bot address comes from data-socket-url
 * or, when absent, from the /config.js of the server hosting this file.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.GuichetWidget) return;
  var base = new URL('.', script.src); // …/widget/
  var origin = new URL('..', base); // server root
  var data = script.dataset;

  function parseJson(text) {
    if (!text) return {};
    try {
      var value = JSON.parse(text);
      return value && typeof value === 'object' ? value : {};
    } catch (error) {
      console.warn('[guichet] data-metadata n’est pas du JSON valide'); // eslint-disable-line no-console
      return {};
    }
  }

  function loadConfig() {
    if (data.socketUrl) return Promise.resolve({});
    if (window.GUICHET_CONFIG) return Promise.resolve(window.GUICHET_CONFIG);
    return new Promise(function (resolve) {
      var tag = document.createElement('script');
      tag.src = new URL('config.js', origin).href;
      tag.onload = function () { resolve(window.GUICHET_CONFIG || {}); };
      tag.onerror = function () { resolve({}); };
      document.head.appendChild(tag);
    });
  }

  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('guichet-widget.css', base).href;
  document.head.appendChild(css);

  var ready = loadConfig().then(function (config) {
    return import(new URL('lib/widget.js', base).href).then(function (module) {
      return module.mountWidget({
        socketUrl: data.socketUrl || config.socketUrl || 'http://localhost:5005',
        socketPath: data.socketPath || config.socketPath || '/socket.io',
        title: data.title,
        subtitle: data.subtitle,
        commune: data.commune,
        primaryColor: data.primaryColor,
        initialPayload: data.initialPayload,
        metadata: parseJson(data.metadata),
        privacyUrl: data.privacyUrl,
        launcherLabel: data.launcherLabel,
        welcome: data.welcome,
        position: data.position,
        storageKey: data.storageKey,
        open: data.open === 'true',
      });
    });
  });

  // Small public API: GuichetWidget.open(), .close(), .send(text), .reset()
  window.GuichetWidget = {
    ready: ready,
    open: function () { ready.then(function (w) { w.open(); }); },
    close: function () { ready.then(function (w) { w.close(); }); },
    send: function (text) { ready.then(function (w) { w.send(text); }); },
    reset: function () { ready.then(function (w) { w.reset(); }); },
  };
  ready.catch(function (error) {
    console.error('[guichet] le widget n’a pas pu démarrer', error); // eslint-disable-line no-console
  });
})();
