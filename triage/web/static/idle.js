/* The idle reset, with a warning first (WCAG 2.2.1, Timing Adjustable).
 *
 * A page that shows a visit goes back to the start page after the idle time, for privacy (the
 * server has wiped the visit by then, so the start page begins a fresh one). Shortly before,
 * the dialog in the page asks whether the person is still there: answering it (its button, or
 * Escape) keeps the visit, with one request that touches it on the server, and starts the time
 * again. Without JavaScript the page's <noscript> refresh clears the screen, with no warning.
 * The words are in the page (triage/constants.py); the times are the dialog's data-seconds (the
 * idle time) and data-warn (how long before its end the dialog shows).
 */
(function () {
  "use strict";
  // A page the browser keeps in memory for its Back and Forward buttons is asked for again when
  // shown: the server then shows the visit as it is now (an earlier question, its answer filled in).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });
  var dialog = document.getElementById("idle");
  if (!dialog) {
    return;
  }
  var seconds = Number(dialog.getAttribute("data-seconds"));
  var warn = Number(dialog.getAttribute("data-warn"));
  var canWarn = typeof dialog.showModal === "function";
  var timers = [];

  function backToStart() {
    window.location.replace("/");
  }

  function arm() {
    timers.forEach(clearTimeout);
    timers = [setTimeout(backToStart, seconds * 1000)];
    if (canWarn) {
      timers.push(setTimeout(function () { dialog.showModal(); }, (seconds - warn) * 1000));
    }
  }

  function stay() {
    if (dialog.open) {
      dialog.close();
    }
    // Any page of the visit touches it; a visit already wiped is sent to the start page.
    fetch("/question", { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (new URL(response.url).pathname === "/") {
        backToStart();
      } else {
        arm();
      }
    }, backToStart);
  }

  dialog.querySelector("button").addEventListener("click", stay);
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    stay();
  });
  arm();
}());
