// The print button of printable reports (no inline script: the pages keep a strict CSP).
document.querySelectorAll(".print-button").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
