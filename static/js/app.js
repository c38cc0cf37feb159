// Small behaviours used across pages. Loaded as a file: the Content-Security-Policy forbids
// inline scripts and inline event handlers.
(function () {
  "use strict";

  // <select data-autosubmit> submits its form when changed (language switcher).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) {
      event.target.form.submit();
    }
  });

  // <button data-confirm="question"> asks before submitting.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Rights tree: checking a child checks its parents; unchecking the last checked child
  // unchecks the parent (SPEC §3.6). The server adds missing parents too.
  function box(code) {
    return code ? document.querySelector('[data-rights-tree] input[data-code="' + code + '"]') : null;
  }
  function children(code) {
    return document.querySelectorAll('[data-rights-tree] input[data-parent="' + code + '"]');
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.closest("[data-rights-tree]") || !input.dataset.code) {
      return;
    }
    if (input.checked) {
      for (var p = box(input.dataset.parent); p; p = box(p.dataset.parent)) {
        p.checked = true;
      }
    } else {
      children(input.dataset.code).forEach(function (child) {
        child.checked = false;
        child.dispatchEvent(new Event("change", { bubbles: true }));
      });
      var parent = box(input.dataset.parent);
      if (parent && !Array.prototype.some.call(children(parent.dataset.code), function (c) { return c.checked; })) {
        parent.checked = false;
      }
    }
  });

  // A table wider than the screen scrolls inside .table-responsive: it takes the keyboard focus
  // so that a keyboard user can scroll it too (WCAG 2.1.1), on the phone and after htmx swaps.
  function scrollableTables() {
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else {
        region.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollableTables);
  document.addEventListener("htmx:afterSettle", scrollableTables);
  window.addEventListener("resize", scrollableTables);

  // The menu is a dialog only while it is open on a phone (Bootstrap then adds role="dialog"):
  // only then does it take the name data-dialog-labelledby points to (a plain div may not be
  // named).
  document.addEventListener("show.bs.offcanvas", function (event) {
    var label = event.target.dataset.dialogLabelledby;
    if (label) {
      event.target.setAttribute("aria-labelledby", label);
    }
  });
  document.addEventListener("hidden.bs.offcanvas", function (event) {
    if (event.target.dataset.dialogLabelledby) {
      event.target.removeAttribute("aria-labelledby");
    }
  });
})();
