// The concern page's actions. Each action is a link to its form alone (a page of its own
// without JavaScript); here it becomes a button that opens that form in a modal <dialog>,
// fetched when it is first opened (Escape or Cancel closes it, nothing is sent, and what was typed stays for
// the next opening). A panel the server sent back open (a failed save, as <details
// data-dialog open>) opens as its dialog at once, its error summary focused. If the form
// cannot be fetched, the link is followed.
(function () {
  "use strict";

  var supported = typeof HTMLDialogElement !== "undefined" && typeof window.fetch === "function";

  function makeDialog(body, opener) {
    var dialog = document.createElement("dialog");
    dialog.className = "case-dialog";
    var title = body.querySelector(".case-action-title");
    if (title) {
      dialog.setAttribute("aria-labelledby", title.id);
    }
    body.removeAttribute("role");
    body.removeAttribute("aria-labelledby");
    dialog.appendChild(body);
    var buttons = body.querySelector(".case-action-buttons");
    if (buttons) {
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "btn btn-outline-secondary";
      cancel.textContent = "Cancel";
      cancel.addEventListener("click", function () {
        dialog.close();
      });
      buttons.appendChild(cancel);
    }
    dialog.addEventListener("close", function () {
      opener.focus();
    });
    return dialog;
  }

  function focusFirst(dialog) {
    var summaryBox = dialog.querySelector("[data-error-summary]");
    var first = summaryBox || dialog.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  }

  // A failed panel, on the page as the user typed it.
  function enhanceOpen(details) {
    var summary = details.querySelector("summary");
    var body = details.querySelector(".case-action-body");
    if (!summary || !body || typeof HTMLDialogElement === "undefined") {
      return;
    }
    var opener = document.createElement("button");
    opener.type = "button";
    opener.className = summary.className;
    opener.textContent = summary.textContent;
    opener.setAttribute("aria-haspopup", "dialog");
    var dialog = makeDialog(body, opener);
    dialog.id = details.id;
    opener.addEventListener("click", function () {
      dialog.showModal();
    });
    details.replaceWith(opener, dialog);
    dialog.showModal();
    focusFirst(dialog);
  }

  // An action's link becomes a button; its form is fetched when it is first opened.
  function enhanceLink(link) {
    var href = link.href;
    var opener = document.createElement("button");
    opener.type = "button";
    opener.className = link.className;
    opener.id = link.id;
    opener.textContent = link.textContent;
    opener.setAttribute("aria-haspopup", "dialog");
    var dialog = null;
    var loading = false;
    opener.addEventListener("click", function () {
      if (dialog) {
        dialog.showModal();
        focusFirst(dialog);
        return;
      }
      if (loading) {
        return;
      }
      loading = true;
      opener.setAttribute("aria-busy", "true");
      fetch(href, { headers: { "X-Case-Panel": "fragment" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var body = holder.querySelector(".case-action-body");
          if (!body) {
            throw new Error("no form");
          }
          dialog = makeDialog(body, opener);
          dialog.id = opener.id + "-dialog";
          opener.after(dialog);
          dialog.showModal();
          focusFirst(dialog);
        })
        .catch(function () {
          window.location.assign(href);
        })
        .finally(function () {
          loading = false;
          opener.removeAttribute("aria-busy");
        });
    });
    link.replaceWith(opener);
  }

  function start() {
    document.querySelectorAll("details[data-dialog]").forEach(enhanceOpen);
    if (supported) {
      document.querySelectorAll("a[data-case-panel]").forEach(enhanceLink);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
