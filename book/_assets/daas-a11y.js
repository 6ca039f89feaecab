/* Data Service Toolkit: accessibility fixes for markup the theme and widgets generate.
 * - sidebar section toggles (<summary>) are named after their section;
 * - the search field button is named by its visible text (no mismatching aria-label);
 * - widget sliders are named after their widget label;
 * - the language switcher remembers the reader's choice for the site's front page. */
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll("nav summary:not([aria-label])").forEach(function (s) {
      var link = s.parentElement && s.parentElement.parentElement &&
        s.parentElement.parentElement.querySelector(":scope > a");
      if (link) s.setAttribute("aria-label", link.textContent.trim());
    });
    root.querySelectorAll(".search-button-field[aria-label]").forEach(function (b) {
      b.removeAttribute("aria-label");
    });
    root.querySelectorAll(".noUi-handle:not([aria-label])").forEach(function (h) {
      var box = h.closest(".widget-slider, .jupyter-widgets");
      var label = box && box.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      h.setAttribute("aria-label", text || (document.documentElement.lang === "en" ? "Slider" : "Control"));
    });
  }
  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); })
      .observe(document.body, { childList: true, subtree: true });
    document.querySelectorAll("[data-daas-language]").forEach(function (a) {
      a.addEventListener("click", function () {
        try { window.localStorage.setItem("daas-language", a.getAttribute("data-daas-language")); }
        catch (e) { /* private mode: the root page falls back to the browser's language */ }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
