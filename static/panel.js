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
  window.setTimeout(nameControls, 0);
  if (window.jQuery) { window.jQuery(document).on("change", "select", nameControls); }
});

// The widgets in the page's language, and dates typed the office's way. This script runs
// before Flask-Admin's form.js, so its defaults and its ready handler come first: every
// dropdown and date picker, those of the list filters added later too, is built with them.
(function ($) {
  var data = document.getElementById("picker-locale");
  if (!$ || !data) { return; }
  var texts = JSON.parse(data.textContent);
  if ($.fn.select2) { localizeSelect2($, texts.select2); }
  $(function () { if ($.fn.daterangepicker) { localizeDatePickers($, texts); } });
})(window.jQuery);

function counted(forms, n) {
  return forms[n === 1 ? 0 : 1].replace("{n}", n);
}

function localizeSelect2($, texts) {
  $.extend($.fn.select2.defaults, {
    formatNoMatches: function () { return texts.noMatches; },
    formatSearching: function () { return texts.searching; },
    formatLoadMore: function () { return texts.loadMore; },
    formatAjaxError: function () { return texts.ajaxError; },
    formatInputTooShort: function (input, min) {
      return counted(texts.tooShort, min - input.length);
    },
    formatInputTooLong: function (input, max) {
      return counted(texts.tooLong, input.length - max);
    },
    formatSelectionTooBig: function (limit) { return counted(texts.tooBig, limit); },
    formatMatches: function (matches) { return counted(texts.matches, matches); }
  });
}

// Flask-Admin's date pickers (bootstrap-daterangepicker) with the day and month names of the
// page's language, the office's dd/mm/yyyy, and typed text read strictly, in the forms the
// server reads (admin_views/entry.py): "01/12/2026" is 1 December 2026 or nothing, never a
// date moment.js guesses (2001-12-20) and writes back. Typed text is left as typed, for the
// server to read or to explain.
function localizeDatePickers($, texts) {
  var build = $.fn.daterangepicker;
  var formats = {"YYYY-MM-DD": texts.dayFormat, "YYYY-MM-DD HH:mm:ss": texts.momentFormat};
  var reads = {};
  reads[texts.dayFormat] = texts.dayReads;
  reads[texts.momentFormat] = texts.momentReads;
  var probe = build.call($('<input type="text">'), {}).data("daterangepicker");
  var picker = Object.getPrototypeOf(probe);
  probe.remove();
  // The typed dates (one, or the two ends of a range), or null when the text is not one.
  picker.typedDates = function () {
    var layouts = reads[this.format] || [this.format], zone = this.timeZone;
    var ends = this.element.val().split(this.separator).map(function (end) {
      return moment(end.trim(), layouts, true);
    });
    if (ends.length !== (this.singleDatePicker ? 1 : 2)) { return null; }
    if (ends.some(function (end) { return !end.isValid(); })) { return null; }
    ends = ends.map(function (end) { return end.utcOffset(zone); });
    return ends[ends.length - 1].isBefore(ends[0]) ? null : ends;
  };
  // The calendar follows what is typed; the text itself is never rewritten (seconds typed
  // stay, 1/12/2026 stays): the server reads the same forms.
  picker.updateFromControl = function () {
    if (!this.element.is("input") || !this.element.val().length) { return; }
    var ends = this.typedDates();
    if (!ends) { return; }
    this.startDate = ends[0];
    this.endDate = ends[ends.length - 1];
    this.oldStartDate = this.startDate.clone();
    this.oldEndDate = this.endDate.clone();
    this.updateView();
    this.updateCalendars();
    this.cb(this.startDate, this.endDate, this.chosenLabel);
  };
  var hide = picker.hide;
  picker.hide = function (event) {
    if (this.isShowing && this.element.val().trim() && !this.typedDates()) {
      this.oldStartDate = this.startDate.clone();  // nothing changed: the text stays
      this.oldEndDate = this.endDate.clone();
    }
    return hide.call(this, event);
  };
  var hints = {};
  hints[texts.dayFormat] = texts.dayHint;
  hints[texts.momentFormat] = texts.momentHint;
  $.fn.daterangepicker = function (options, callback) {
    options = $.extend({}, options);
    options.format = formats[options.format] || options.format;
    var hint = hints[options.format];
    if (options.separator) {
      options.separator = texts.separator;
      hint = hint && hint + texts.separator + hint;
    }
    if (hint) { this.not("[placeholder]").attr("placeholder", hint); }
    options.locale = $.extend({
      applyLabel: texts.apply, cancelLabel: texts.cancel, fromLabel: texts.from,
      toLabel: texts.to, weekLabel: texts.week, daysOfWeek: texts.days,
      monthNames: texts.months, firstDay: texts.firstDay
    }, options.locale);
    return build.call(this, options, callback);
  };
}

function nameControls() {
  document.querySelectorAll("input[title]:not([aria-label])").forEach(function (box) {
    box.setAttribute("aria-label", box.title);
  });
  // a table that scrolls sideways (on a phone) can be scrolled from the keyboard too
  document.querySelectorAll(".table, .table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
    }
  });
  // a column's help icon: Bootstrap's tooltip moved its title away, the name goes with it
  document.querySelectorAll('a[data-role="tooltip"]:not([aria-label])').forEach(function (link) {
    var text = link.getAttribute("data-original-title") || link.getAttribute("title");
    if (text) { link.setAttribute("aria-label", text); }
  });
  // a chosen item's "x" is the mouse's (tabindex -1; the keyboard deletes it): not a link to
  // name for a screen reader, which hears the item itself
  document.querySelectorAll("a.select2-search-choice-close:not([aria-hidden])").forEach(
    function (close) { close.setAttribute("aria-hidden", "true"); });
  document.querySelectorAll(".select2-container").forEach(function (widget) {
    var field = widget.id.replace(/^s2id_/, "");
    var label = field && document.querySelector('label[for="' + field + '"]');
    var link = widget.querySelector("a.select2-choice, .select2-choices input");
    if (label && link && !link.textContent.trim()) {  // empty: nothing chosen yet
      link.setAttribute("aria-label", label.textContent.replace(/[\s*]+/g, " ").trim());
    }
  });
}

// A chosen file's name in its chooser's label (Bootstrap's custom file input shows the label).
document.querySelectorAll(".custom-file-input").forEach(function (input) {
  input.addEventListener("change", function () {
    var label = input.parentElement.querySelector(".custom-file-label");
    if (label && input.files.length) { label.textContent = input.files[0].name; }
  });
});

// A comment the server refused is not lost: its text comes back into the box, with the
// message saying why (kept in this tab only, and dropped once the page has shown it).
(function () {
  var box = document.getElementById("comment-body");
  if (!box || !window.sessionStorage) { return; }
  var key = "comment-draft:" + box.form.elements.id.value;
  var draft = window.sessionStorage.getItem(key);
  if (draft && !box.value && document.querySelector(".alert-danger")) { box.value = draft; }
  window.sessionStorage.removeItem(key);
  box.form.addEventListener("submit", function () {
    window.sessionStorage.setItem(key, box.value);
  });
})();
