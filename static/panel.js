// The panel's own behaviour, bound here rather than in inline handlers: the pages keep a
// strict Content-Security-Policy (no inline script without the page's nonce).

// Print buttons of printable reports.
document.querySelectorAll(".print-button").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// "With selected" list actions (Flask-Admin's modelActions, from actions.js).
document.querySelectorAll("[data-action]").forEach(function (link) {
  link.addEventListener("click", function (event) {
    event.preventDefault();
    window.modelActions.execute(link.dataset.action);
  });
});

// Buttons that ask first, such as archiving a record.
document.querySelectorAll("button[data-confirm]").forEach(function (button) {
  button.addEventListener("click", function (event) {
    if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });
});

// Links that only open a menu or add a filter never navigate, not even to "#"; the
// capture phase runs before Flask-Admin's and Bootstrap's own handlers.
document.addEventListener("click", function (event) {
  var link = event.target.closest('a[href="#"], a[href^="javascript:"]');
  if (link) { event.preventDefault(); }
}, true);

// Names for controls that only had a tooltip, once every widget is built (after the other
// scripts' ready handlers): list checkboxes, and Select2's dropdown links named after their
// field's label.
window.addEventListener("load", function () {
  window.setTimeout(function () { nameControls(); localizePickers(); }, 0);
});

// Flask-Admin's date pickers in the page's language: names and labels from the catalog.
function localizePickers() {
  var data = document.getElementById("picker-locale");
  if (!data || !window.jQuery) { return; }
  var names = JSON.parse(data.textContent);
  var days = names.days.slice();
  for (var i = 0; i < names.firstDay; i++) { days.push(days.shift()); }
  window.jQuery("input[data-role]").each(function () {
    var picker = window.jQuery(this).data("daterangepicker");
    if (!picker) { return; }
    Object.assign(picker.locale, {
      applyLabel: names.apply, cancelLabel: names.cancel, fromLabel: names.from,
      toLabel: names.to, daysOfWeek: days, monthNames: names.months, firstDay: names.firstDay
    });
    picker.container.find(".applyBtn").html(names.apply);
    picker.container.find(".cancelBtn").html(names.cancel);
    picker.updateCalendars();
  });
}

function nameControls() {
  document.querySelectorAll("input[title]:not([aria-label])").forEach(function (box) {
    box.setAttribute("aria-label", box.title);
  });
  document.querySelectorAll(".select2-container").forEach(function (widget) {
    var field = widget.id.replace(/^s2id_/, "");
    var label = field && document.querySelector('label[for="' + field + '"]');
    var link = widget.querySelector("a.select2-choice, .select2-choices input");
    if (label && link && !link.textContent.trim()) {  // empty: nothing chosen yet
      link.setAttribute("aria-label", label.textContent.replace(/[\s*]+/g, " ").trim());
    }
  });
}
