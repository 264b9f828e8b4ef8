// A live character count under each text box with a limit (data-char-limit). The limit is
// also written in the field's help text, and the server refuses a longer text with a
// message: nothing is ever cut. Without this script the box simply has no counter.
(function () {
  "use strict";

  var format = function (n) { return n.toLocaleString("en-AU"); };

  function setUp(box) {
    var limit = parseInt(box.dataset.charLimit, 10);
    if (!limit) { return; }
    var counter = document.createElement("div");
    counter.className = "form-text char-count";
    counter.id = box.id + "_count";
    counter.setAttribute("aria-live", "polite");
    var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(counter.id);
    box.setAttribute("aria-describedby", described.join(" "));
    var update = function () {
      var used = box.value.length;
      var over = used > limit;
      counter.textContent = over
        ? format(used) + " of " + format(limit) + " characters: " + format(used - limit) +
          " too many. Shorten it, or attach the longer text as a PDF."
        : format(used) + " of " + format(limit) + " characters";
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
    };
    box.insertAdjacentElement("afterend", counter);
    box.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-char-limit]").forEach(setUp);
  });
})();
