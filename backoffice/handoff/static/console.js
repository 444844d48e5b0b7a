/* Agent console: live refresh (polling) and forms sent without reloading the page.
   Every form also works without JavaScript. No external library. */
(function () {
  "use strict";
  var body = document.body;
  var page = body.getAttribute("data-page");
  var csrf = body.getAttribute("data-csrf");
  var pollMs = parseInt(body.getAttribute("data-poll-ms"), 10) || 500;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(message) {
    var box = document.getElementById("ticket-error") || document.getElementById("queue-status");
    if (!box) return;
    box.hidden = false;
    box.textContent = message;
  }

  function request(url, options) {
    options = options || {};
    options.headers = Object.assign({ "Accept": "application/json", "X-CSRF-Token": csrf },
                                    options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      if (response.status === 401) { window.location.href = "/console/login"; throw new Error("401"); }
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error((data.error && data.error.message) || "Erreur"); }
        return data;
      });
    });
  }

  function messageItem(m) {
    var li = el("li", "msg msg-" + m.author);
    li.setAttribute("data-id", m.id);
    var who = m.author_label + (m.agent_name ? " (" + m.agent_name + ")" : "") + ", " + m.time + " :";
    li.appendChild(el("span", "who", who));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "text", m.text));
    if (!m.delivered) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("em", "undelivered", m.delivery_label)); }
    return li;
  }

  function noteItem(n) {
    var li = el("li");
    li.setAttribute("data-id", n.id);
    li.appendChild(el("span", "who", n.agent_name + ", " + n.time + " :"));
    li.appendChild(document.createTextNode(" " + n.text));
    return li;
  }

  /* -- ticket page ----------------------------------------------------------------- */
  function ticketPage() {
    var reference = body.getAttribute("data-reference");
    var list = document.getElementById("messages");
    var notes = document.getElementById("notes");
    var lastId = 0;
    var known = null;
    Array.prototype.forEach.call(list.querySelectorAll("li[data-id]"), function (li) {
      lastId = Math.max(lastId, parseInt(li.getAttribute("data-id"), 10));
    });

    function refresh() {
      return request("/console/api/tickets/" + reference + "?after=" + lastId).then(function (data) {
        data.messages.forEach(function (m) {
          if (list.querySelector('li[data-id="' + m.id + '"]')) return;
          list.appendChild(messageItem(m));
          lastId = Math.max(lastId, m.id);
          list.scrollTop = list.scrollHeight;
        });
        // Delivery state of messages already shown (background retries, final failure).
        Array.prototype.forEach.call(list.querySelectorAll("li[data-id] em.undelivered"), function (em) {
          var label = data.undelivered[em.parentNode.getAttribute("data-id")];
          if (label) { em.textContent = label; } else { em.parentNode.removeChild(em); }
        });
        var state = data.ticket.status + "|" + data.ticket.agent_id;
        if (known !== null && known !== state) { window.location.reload(); }
        known = state;
        var shown = notes.querySelectorAll("li[data-id]").length;
        data.notes.slice(shown).forEach(function (n) { notes.appendChild(noteItem(n)); });
      });
    }

    function loop() { refresh().catch(function () {}).then(function () { setTimeout(loop, pollMs); }); }
    loop();

    var canned = document.querySelector("[data-canned]");
    if (canned) {
      canned.addEventListener("change", function () {
        if (!canned.value) return;
        var area = document.getElementById("message-text");
        area.value = canned.value;
        area.focus();
        canned.value = "";
      });
    }
    return refresh;
  }

  /* -- queue page ------------------------------------------------------------------ */
  function queueRow(t) {
    var tr = el("tr", "prio-" + t.priority);
    tr.setAttribute("data-reference", t.reference);
    var th = el("th"); th.scope = "row";
    var link = el("a", null, t.reference); link.href = "/console/tickets/" + t.reference;
    th.appendChild(link); tr.appendChild(th);
    [t.kind_label, t.urgency_label, t.reason_label, t.channel_label, t.created_local,
     t.status_label + (t.agent_name ? " (" + t.agent_name + ")" : "")].forEach(function (v) {
      tr.appendChild(el("td", null, v));
    });
    var cell = el("td");
    if (t.status === "waiting") {
      var form = el("form");
      form.method = "post";
      form.action = "/console/tickets/" + t.reference + "/claim";
      form.setAttribute("data-ajax", "claim");
      var button = el("button", null, "Prendre en charge ");
      button.type = "submit";
      button.appendChild(el("span", "sr", t.reference));
      form.appendChild(button);
      bindForm(form);
      cell.appendChild(form);
    } else {
      var open = el("a", null, "Ouvrir "); open.href = "/console/tickets/" + t.reference;
      open.appendChild(el("span", "sr", t.reference));
      cell.appendChild(open);
    }
    tr.appendChild(cell);
    return tr;
  }

  function queuePage() {
    var rows = document.getElementById("queue-rows");
    var status = document.getElementById("queue-status");
    var last = "";
    function refresh() {
      return request("/console/api/queue").then(function (data) {
        var signature = JSON.stringify(data.tickets.map(function (t) { return [t.reference, t.status, t.agent_id]; }));
        var text = data.tickets.length + " demande(s) ouverte(s) — " + data.agents_online + " agent(s) disponible(s).";
        if (status.textContent.trim() !== text) status.textContent = text;
        if (signature === last) return;
        last = signature;
        rows.textContent = "";
        if (!data.tickets.length) {
          var tr = el("tr"); var td = el("td", null, "Aucune demande en attente."); td.colSpan = 8;
          tr.appendChild(td); rows.appendChild(tr);
        }
        data.tickets.forEach(function (t) { rows.appendChild(queueRow(t)); });
      });
    }
    function loop() { refresh().catch(function () {}).then(function () { setTimeout(loop, 2 * pollMs); }); }
    loop();
  }

  /* -- forms ----------------------------------------------------------------------- */
  var refreshTicket = null;

  function bindForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var kind = form.getAttribute("data-ajax");
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      request(form.action, { method: "POST", body: new FormData(form) }).then(function (data) {
        if (kind === "message" || kind === "note") {
          var area = form.querySelector("textarea");
          area.value = "";
          area.focus();
          if (kind === "note" && data.note) document.getElementById("notes").appendChild(noteItem(data.note));
          if (data.delivered === false) showError("Message enregistré mais non remis à l'usager : " + data.delivery_error);
          if (refreshTicket) refreshTicket();
        } else if (kind === "claim" && page === "queue") {
          window.location.href = "/console/tickets/" + data.reference;
        } else {
          window.location.reload();
        }
      }).catch(function (error) {
        if (error.message !== "401") showError(error.message);
      }).then(function () { if (button) button.disabled = false; });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-ajax]"), bindForm);
  if (page === "ticket") refreshTicket = ticketPage();
  if (page === "queue") queuePage();
})();
