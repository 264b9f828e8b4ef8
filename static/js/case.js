// The concern page's action panels: each <details data-dialog> becomes a button that
// opens its form in a modal <dialog> (Escape or Cancel closes it, nothing is sent).
// Without this script the <details> panels work as they are. A panel the server sent
// back open (a failed save) opens as its dialog at once, its error summary focused.
(function () {
  "use strict";

  function enhance(details) {
    var summary = details.querySelector("summary");
    var body = details.querySelector(".case-action-body");
    if (!summary || !body || typeof HTMLDialogElement === "undefined") {
      return;
    }
    var title = body.querySelector(".case-action-title");
    var opener = document.createElement("button");
    opener.type = "button";
    opener.className = summary.className;
    opener.textContent = summary.textContent;
    opener.setAttribute("aria-haspopup", "dialog");

    var dialog = document.createElement("dialog");
    dialog.className = "case-dialog";
    dialog.id = details.id;
    if (title) {
      dialog.setAttribute("aria-labelledby", title.id);
    }
    body.removeAttribute("role");
    body.removeAttribute("aria-labelledby");
    dialog.appendChild(body);

    var buttons = body.querySelector(".case-action-buttons");
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-outline-secondary";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () {
      dialog.close();
    });
    if (buttons) {
      buttons.appendChild(cancel);
    }

    opener.addEventListener("click", function () {
      dialog.showModal();
    });
    dialog.addEventListener("close", function () {
      opener.focus();
    });
    var wasOpen = details.hasAttribute("open");
    details.replaceWith(opener, dialog);
    if (wasOpen) {
      dialog.showModal();
      var summaryBox = dialog.querySelector("[data-error-summary]");
      if (summaryBox) {
        summaryBox.focus();
      }
    }
  }

  function start() {
    document.querySelectorAll("details[data-dialog]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
