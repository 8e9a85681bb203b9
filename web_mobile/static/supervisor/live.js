// Live parts of the supervisor pages: poll the element's data-live-url every few seconds
// and update what it answers: {fields: {key: text}, bars: {key: [value, max]}, lists: {key: [text]}}.
// Elements name their key: data-live (text), data-bar (a <progress>), data-list (a <ul>).
(function () {
  "use strict";
  var PERIOD = 3000;
  function apply(root, data) {
    Object.keys(data.fields || {}).forEach(function (key) {
      root.querySelectorAll('[data-live="' + CSS.escape(key) + '"]').forEach(function (el) {
        var text = String(data.fields[key]);
        if (el.textContent !== text) { el.textContent = text; el.classList.add("changed"); }
      });
    });
    Object.keys(data.bars || {}).forEach(function (key) {
      root.querySelectorAll('[data-bar="' + CSS.escape(key) + '"]').forEach(function (el) {
        el.max = Math.max(1, data.bars[key][1]); el.value = data.bars[key][0];
      });
    });
    Object.keys(data.lists || {}).forEach(function (key) {
      root.querySelectorAll('[data-list="' + CSS.escape(key) + '"]').forEach(function (ul) {
        var items = data.lists[key];
        if (ul.children.length === items.length &&
            Array.prototype.every.call(ul.children, function (li, i) { return li.textContent === items[i]; })) return;
        ul.replaceChildren.apply(ul, items.map(function (text) {
          var li = document.createElement("li"); li.textContent = text; return li;
        }));
      });
    });
  }
  document.querySelectorAll("[data-live-url]").forEach(function (root) {
    var url = root.getAttribute("data-live-url");
    function poll() {
      if (document.hidden) { setTimeout(poll, PERIOD); return; }
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { apply(root, data); root.setAttribute("data-polled", String(Date.now())); } })
        .catch(function () { /* offline for a moment: the next poll tries again */ })
        .finally(function () { setTimeout(poll, PERIOD); });
    }
    setTimeout(poll, PERIOD);
  });
})();
