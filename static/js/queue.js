// "Select all on this page" for the queue's bulk assignment. Without this script the
// box stays hidden and each row's own box still works.
(function () {
  "use strict";

  function setUp(master) {
    var form = master.form;
    var name = master.dataset.selectAll;
    var boxes = function () {
      return Array.prototype.filter.call(form.elements, function (element) {
        return element.type === "checkbox" && element.name === name;
      });
    };
    var sync = function () {
      var all = boxes();
      var ticked = all.filter(function (box) { return box.checked; }).length;
      master.checked = all.length > 0 && ticked === all.length;
      master.indeterminate = ticked > 0 && ticked < all.length;
    };
    master.hidden = false;
    master.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = master.checked; });
      master.indeterminate = false;
    });
    boxes().forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(setUp);
  });
})();
