// The live monitor: the /scan namespace's monitor room, signed in by the session cookie.
// Each `feedback` event counts in its device's row and heads the list of the last 50 scans.
(function () {
  "use strict";
  var KEEP = 50;
  var rows = document.getElementById("devices");
  var feed = document.getElementById("feed");
  var state = document.querySelector("[data-testid=monitor-state]");
  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }
  function row(device, station) {
    var tr = rows.querySelector('tr[data-device="' + CSS.escape(device) + '"]');
    if (!tr) {
      tr = document.createElement("tr");
      tr.dataset.device = device;
      tr.append(cell(device), cell(station || ""));
      ["ok", "warn", "error"].forEach(function (s) {
        var td = cell("0", "num"); td.dataset.count = s; tr.append(td);
      });
      var last = cell(""); last.dataset.last = ""; tr.append(last);
      rows.append(tr);
    }
    return tr;
  }
  function show(ev) {
    var fb = ev.feedback || {};
    var status = ["ok", "warn", "error"].indexOf(fb.status) >= 0 ? fb.status : "error";
    var time = new Date().toLocaleTimeString();
    var tr = row(ev.device, ev.station);
    var count = tr.querySelector('[data-count="' + status + '"]');
    count.textContent = String(Number(count.textContent) + 1);
    var last = tr.querySelector("[data-last]");
    last.textContent = time + " " + ev.raw + " — " + (fb.code || "");
    last.className = "fb-" + status;
    var li = document.createElement("li");
    li.className = "fb-" + status;
    li.dataset.device = ev.device;
    li.dataset.status = status;
    li.textContent = time + "  " + ev.device + (ev.station ? " @" + ev.station : "") + "  " +
      ev.raw + "  " + status + " " + (fb.code || "") + (fb.message ? ": " + fb.message : "");
    feed.prepend(li);
    while (feed.children.length > KEEP) feed.lastElementChild.remove();
  }
  var socket = io("/scan", { auth: { monitor: true } });
  socket.on("connect", function () { state.textContent = "live"; state.dataset.state = "live"; });
  socket.on("disconnect", function () { state.textContent = "reconnecting…"; state.dataset.state = "off"; });
  socket.on("connect_error", function (err) {
    var code = err.data && err.data.code;
    state.textContent = "not connected: " + (code || err.message);
    state.dataset.state = "refused";
  });
  socket.on("feedback", show);
}());
