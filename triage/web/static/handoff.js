/* The hand-off to the practitioner: the Print button, and a name typed for the printout.
 *
 * Without JavaScript neither shows: the result page links to the print page instead, and the
 * printout keeps an empty line to write the name on by hand. The name field is in no form and has
 * no name, so it is never sent: it is copied into this page's printout only, and is gone with the
 * page (Finish, or the idle reset).
 */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  var target = document.getElementById("sheet-name");
  var input = document.getElementById("print-name");
  if (!button || !target) {
    return;
  }
  var controls = document.querySelectorAll("[data-print]");
  for (var i = 0; i < controls.length; i += 1) {
    controls[i].hidden = false;
  }

  function copy() {
    target.textContent = input ? input.value.trim() : "";
  }

  if (input) {
    input.value = "";
    input.addEventListener("input", copy);
  }
  window.addEventListener("beforeprint", copy);
  button.addEventListener("click", function () {
    copy();
    window.print();
  });
}());
