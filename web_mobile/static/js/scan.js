// The scan screen. Every scan and command goes into the IndexedDB outbox first, then to
// the server over Socket.IO (namespace /scan), one at a time and in order; an entry
// leaves the outbox only when its ack (the gateway's Feedback) has come back. Offline,
// scans keep going into the outbox and are replayed on reconnect; their scan_id makes
// each apply once.
import { ApiError, getBlobUrl, getJson, postJson } from "/static/js/api.js";
import { loadDevice, newId, saveDevice } from "/static/js/device.js";
import { Keypad } from "/static/js/keypad.js";
import { openQueue } from "/static/js/queue.js";
import { signal, unlockAudio } from "/static/js/signals.js";
import { badgeOf, isTerminator, normalise } from "/static/js/wedge.js";

const $ = (id) => document.getElementById(id);
const ACK_TIMEOUT_MS = 15000;
const RETRY_MS = 2000;
const WORDS = { ok: "OK", warn: "WARNING", error: "ERROR", queued: "SAVED", idle: "READY" };
const MODE_WORDS = {
  receive: "Receive", pick: "Pick", ship: "Ship", transfer: "Transfer", count: "Count",
  inquiry: "Inquiry", customer_return: "Customer return", vendor_return: "Vendor return",
  pack: "Pack",
};
// Refusals a reconnect cannot fix: the device must be enrolled (again).
const REFUSALS = {
  token_missing: "This browser has no device token.",
  token_unknown: "The server does not know this device's token.",
  device_revoked: "This device was revoked on the supervisor pages.",
  origin_refused: "The server refused this page's origin.",
};
// Answers that mean nobody is signed in on this device (any more).
const SIGNED_OUT = new Set(["signin_expired", "signin_required", "operator_required"]);
// Overlays with a text field of their own: the scan field must not steal the focus.
const TEXT_OVERLAYS = new Set(["manual", "reprint"]);

const app = {
  device: loadDevice(),
  socket: null,
  queue: null,
  queued: 0,
  connected: false,
  greeted: false, // the server's hello (profile, session) arrived on this connection
  pumping: false,
  abortInflight: null,
  profile: {},
  operator: null,
  session: {},
  overlay: null,
  keypadFor: null,
  manualFor: null,
  signinBadge: null,
  signinTimer: null,
  label: null,
  labelUrl: null,
  camera: null,
  feedbacks: [],
  sounds: [],
  documentShown: null,
};

const scanInput = $("scan-input");

// --- the outbox ---------------------------------------------------------------------

async function refreshCount() {
  app.queued = await app.queue.count();
  renderConnection();
}

async function enqueue(entry) {
  await app.queue.add(entry);
  await refreshCount();
  if (!app.connected) {
    const n = app.queued;
    show({ status: "queued", code: "queued", message: `Saved offline: ${n} waiting to be sent` });
    beep("queued");
  }
  pump();
  return entry.scan_id;
}

// A scan as it arrived (AIM identifier included); `symbology` from a camera decoder.
async function submitScan(raw, symbology = null) {
  const text = String(raw);
  if (!text) return null;
  if (/^OP:/i.test(text)) {  // a badge: signing in takes its PIN, not a plain scan
    openSignin(badgeOf(text));
    return null;
  }
  const entry = { type: "scan", scan_id: newId(), raw: text };
  if (symbology) entry.symbology = symbology;
  return enqueue(entry);
}

async function sendCommand(name, args = null) {
  if (name === "generate" && !app.connected) {
    // New numbers come from the server's masks and counters: never queued offline.
    show({
      status: "error",
      code: "generate_offline",
      message: "Generating new numbers needs the server: wait until the device is online",
    });
    beep("error");
    return null;
  }
  return enqueue({ type: "command", scan_id: newId(), name, args });
}

function payload(entry) {
  if (entry.type === "command") {
    return { scan_id: entry.scan_id, name: entry.name, args: entry.args };
  }
  const out = { scan_id: entry.scan_id, raw: entry.raw };
  if (entry.symbology) out.symbology = entry.symbology;
  return out;
}

// Sends one entry; resolves {ok, reply}; ok is false when no ack came (disconnected or
// timed out): the entry stays in the outbox for the next try.
function send(entry) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result) => {
      if (settled) return;
      settled = true;
      app.abortInflight = null;
      resolve(result);
    };
    app.abortInflight = () => done({ ok: false });
    app.socket.timeout(ACK_TIMEOUT_MS).emit(entry.type, payload(entry), (err, reply) => {
      done(err ? { ok: false } : { ok: true, reply });
    });
  });
}

async function pump() {
  if (app.pumping) return;
  app.pumping = true;
  try {
    while (app.connected) {
      const entry = await app.queue.first();
      if (!entry) break;
      renderConnection();
      const result = await send(entry);
      if (!result.ok) {
        if (app.connected) setTimeout(pump, RETRY_MS);
        break;
      }
      if (result.reply && SIGNED_OUT.has(result.reply.code)) {
        // Refused, so nothing applied: it waits for the sign-in, under a new id (the
        // refusal may be stored under the old one).
        await app.queue.put({ ...entry, scan_id: newId() });
        handleFeedback(result.reply, entry);
        break;
      }
      await app.queue.remove(entry.seq);
      await refreshCount();
      handleFeedback(result.reply, entry);
    }
  } finally {
    app.pumping = false;
    renderConnection();
  }
}

// --- what the operator sees and hears ---------------------------------------------

function beep(status, sound) {
  const name = signal(status, sound);
  app.sounds.push(name);
  return name;
}

function visible(raw) {
  return String(raw).replaceAll("\x1d", "␝");
}

function show(fb) {
  const status = fb.status || "error";
  const panel = $("feedback");
  panel.dataset.status = status;
  panel.dataset.code = fb.code || "";
  $("feedback-word").textContent = WORDS[status] || status.toUpperCase();
  $("feedback-message").textContent = fb.message || fb.code || "";
  const readings = fb.code === "ambiguous_scan" && fb.data && fb.data.readings;
  $("feedback-choices").hidden = !readings;
  if (readings) {
    for (const r of readings) {
      const btn = document.querySelector(`#feedback-choices [data-choose="${r.reading}"]`);
      const what = r.serial ? `serial ${r.serial}` : r.lot ? `lot ${r.lot}` : r.text || "";
      if (btn) btn.textContent = `${r.reading === "gs1" ? "GS1" : "As printed"}: ${what}`;
    }
  }
}

function handleFeedback(reply, entry) {
  const fb = reply && typeof reply === "object" && reply.status
    ? reply
    : { status: "error", code: "bad_answer", message: "The server's answer could not be read" };
  app.feedbacks.push({ ...fb, scan_id: entry.scan_id, sent: payload(entry) });
  show(fb);
  beep(fb.status, fb.sound);
  if (fb.prompt) setPrompt(fb.prompt);
  if (fb.data && fb.data.progress) renderProgress(fb.data.progress);
  if (fb.data && fb.data.container && typeof fb.data.container === "object") {
    renderContainer(fb.data.container);  // pack mode: what the open container holds
  }
  if (fb.status !== "error" && fb.data && fb.data.label_job !== undefined) {
    showLabel({
      job_id: fb.data.label_job, kind: "sscc", labels: 1, status: "pending",
      preview_url: `/api/v1/labels/jobs/${fb.data.label_job}/label.png`,
    });
  }
  addHistory(fb.status, entry.type === "command" ? `${entry.name} ${entry.args ?? ""}` : entry.raw,
    fb.message);
  if (SIGNED_OUT.has(fb.code)) {
    app.operator = null;
    $("operator-name").textContent = operatorText(null);
    openSignin();
  }
}

function showLocal(status, code, message) {
  show({ status, code, message });
  beep(status);
}

function addHistory(status, raw, message) {
  const li = document.createElement("li");
  li.dataset.status = status;
  li.textContent = `${visible(raw)} — ${message}`;
  const list = $("history");
  list.prepend(li);
  while (list.children.length > 6) list.lastChild.remove();
}

function setPrompt(text) {
  $("prompt-text").textContent = text;
}

function renderConnection() {
  const chip = $("connection");
  const n = app.queued;
  const scans = `${n} scan${n === 1 ? "" : "s"}`;
  if (chip.dataset.state === "refused") return;
  if (app.connected) {
    chip.dataset.state = n ? "sending" : "online";
    chip.textContent = n ? `Online, sending ${scans}` : "Online";
  } else {
    chip.dataset.state = "offline";
    chip.textContent = `Offline, ${scans} queued`;
  }
  chip.dataset.queued = String(n);
}

function operatorText(op) {
  if (!op) return "not signed in";
  if (typeof op === "string") return op;
  return op.name ? `${op.name} (${op.badge})` : op.badge || "signed in";
}

function setOperator(op) {
  app.operator = op || null;
  $("operator-name").textContent = operatorText(app.operator);
  if (!app.operator && app.overlay !== "blocked" && app.overlay !== "signin") openSignin();
}

function applySession(s) {
  if (!s || typeof s !== "object") return;
  app.session = s;
  if ("operator" in s) setOperator(s.operator);
  if (s.prompt) setPrompt(s.prompt);
  $("doc-mode").textContent = MODE_WORDS[s.mode] || s.mode || "";
  $("new-button").textContent = s.mode === "pack" ? "New SSCC" : "New document";
  if ("container" in s) renderContainer(s.container);
  else if (s.mode !== "pack") renderContainer(null);
  if (s.progress) {
    renderProgress(s.progress);
  } else if (s.document) {
    if (s.document !== app.documentShown) fetchDocument(s.document);
  } else {
    app.documentShown = null;
    $("document").hidden = !s.mode;
    $("doc-number").textContent = s.location ? `at ${s.location}` : "";
    $("doc-total").textContent = "";
    $("lines").tBodies[0].replaceChildren();
  }
}

// Pack mode's open container: its short name, what it holds itself, its whole code. A
// closed one stays shown (greyed) until the next is opened or the mode changes.
function renderContainer(box) {
  const section = $("container");
  if (!box) {
    if (section.dataset.state !== "closed" || app.session.mode !== "pack") section.hidden = true;
    return;
  }
  section.hidden = false;
  section.dataset.state = box.closed ? "closed" : "open";
  section.dataset.code = box.code;
  section.dataset.items = String(box.items);
  $("container-name").textContent = box.closed ? `${box.name} closed` : box.name;
  $("container-items").textContent = `${box.items} item${box.items === 1 ? "" : "s"}`;
  $("container-code").textContent = box.location ? `${box.code} @ ${box.location}` : box.code;
}

async function fetchDocument(number) {
  app.documentShown = number;
  try {
    const doc = await getJson(app.device.token, `/api/v1/documents/${encodeURIComponent(number)}`);
    renderProgress({
      document: doc.number,
      lines: (doc.lines || []).map((ln) => ({
        line: ln.line, item: ln.item, quantity: ln.quantity, done: ln.assigned, open: ln.open,
        location: ln.location,
      })),
    });
  } catch (err) {
    // Offline or not visible to this token: the session's prompt still says what to do.
    console.warn("document", number, err);
  }
}

function renderProgress(progress) {
  app.documentShown = progress.document || app.documentShown;
  $("document").hidden = false;
  $("doc-number").textContent = progress.document || "";
  const lines = progress.lines || [];
  const done = lines.reduce((sum, ln) => sum + (ln.done || 0), 0);
  const qty = lines.reduce((sum, ln) => sum + (ln.quantity || 0), 0);
  $("doc-total").textContent = lines.length ? `${done}/${qty}` : "";
  const rows = lines.map((ln) => {
    const tr = document.createElement("tr");
    tr.dataset.item = ln.item;
    if (!ln.open) tr.className = "complete";
    const item = document.createElement("td");
    item.textContent = ln.location ? `${ln.item} @ ${ln.location}` : ln.item;
    const doneCell = document.createElement("td");
    doneCell.className = "num done";
    doneCell.textContent = `${ln.done}/${ln.quantity}`;
    const open = document.createElement("td");
    open.className = "num open";
    open.textContent = String(ln.open);
    tr.append(item, doneCell, open);
    return tr;
  });
  $("lines").tBodies[0].replaceChildren(...rows);
}

// --- labels --------------------------------------------------------------------------

async function showLabel(job) {
  if (!job || job.job_id === undefined) return;
  app.label = job;
  const count = Array.isArray(job.labels) ? job.labels.length : job.labels;
  const parts = [`Label #${job.job_id}`, job.kind, count !== undefined ? `${count} label(s)` : "",
    job.status];
  $("label-info").textContent = parts.filter(Boolean).join(" · ");
  $("label").hidden = false;
  $("label").dataset.job = String(job.job_id);
  $("label").dataset.status = job.status || "";
  if (job.preview_url && job.preview_url !== app.labelUrl) {
    app.labelUrl = job.preview_url;
    try {
      const url = await getBlobUrl(app.device.token, job.preview_url);
      const img = $("label-preview");
      if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
      img.src = url;
    } catch (err) {
      console.warn("label preview", err);
    }
  }
}

async function reprint(reason) {
  const error = $("reprint-error");
  if (!reason) {
    error.textContent = "Say why the label is printed again";
    error.hidden = false;
    return;
  }
  try {
    const job = await postJson(app.device.token,
      `/api/v1/labels/jobs/${encodeURIComponent(app.label.job_id)}/reprint`, { reason });
    closeOverlay();
    showLocal("ok", "reprint", `Reprint queued as label job #${job.id ?? job.job_id}`);
  } catch (err) {
    error.dataset.code = err instanceof ApiError ? err.code : "error";
    error.textContent = err.message;
    error.hidden = false;
    beep("error");
  }
}

// --- overlays: sign-in, keypad, menu, typing, reprint ------------------------------

function openOverlay(id) {
  if (app.overlay && app.overlay !== id) $(app.overlay).hidden = true;
  app.overlay = id;
  $(id).hidden = false;
  document.body.dataset.overlay = id;
}

function closeOverlay() {
  if (app.overlay) $(app.overlay).hidden = true;
  app.overlay = null;
  delete document.body.dataset.overlay;
  if (!app.operator && app.connected) openSignin();
  refocus();
}

const pinPad = new Keypad($("signin-keypad"), $("signin-pin-display"), {
  mask: true, maxLength: 12, onSubmit: (pin) => submitPin(pin),
});
const keypad = new Keypad($("keypad-keys"), $("keypad-display"), {
  maxLength: 6, onSubmit: (value) => keypadDone(value),
});

function openSignin(badge = null) {
  openOverlay("signin");
  if (badge) {
    startPin(badge);
  } else {
    app.signinBadge = null;
    $("signin-step").textContent = "Scan your badge";
    $("signin-pin").hidden = true;
    $("signin-back").hidden = true;
    $("signin-type-badge").hidden = false;
  }
  refocus();
}

function startPin(badge) {
  if (app.overlay !== "signin") openOverlay("signin");
  app.signinBadge = badge;
  $("signin-step").textContent = `PIN for badge ${badge}`;
  $("signin-pin").hidden = false;
  $("signin-back").hidden = false;
  $("signin-type-badge").hidden = true;
  pinPad.clear();
  refocus();
}

function signinError(reply) {
  const box = $("signin-error");
  box.dataset.code = reply.code || "error";
  box.hidden = false;
  clearInterval(app.signinTimer);
  let wait = Math.ceil(Number(reply.retry_after) || 0);
  const render = () => {
    box.textContent = wait > 0 ? `${reply.message} Try again in ${wait} s.` : reply.message;
    pinPad.enabled = wait <= 0;
    box.dataset.wait = String(Math.max(wait, 0));
  };
  render();
  if (wait > 0) {
    app.signinTimer = setInterval(() => {
      wait -= 1;
      render();
      if (wait <= 0) clearInterval(app.signinTimer);
    }, 1000);
  }
}

function emitWithAck(event, data) {
  return new Promise((resolve) => {
    app.socket.timeout(ACK_TIMEOUT_MS).emit(event, data, (err, reply) => {
      resolve(err ? { status: "error", code: "no_answer", message: "The server did not answer." }
        : reply);
    });
  });
}

async function submitPin(pin) {
  if (!app.connected) {
    signinError({ code: "offline", message: "Signing in needs the server: wait until the device is online." });
    beep("error");
    return;
  }
  pinPad.enabled = false;
  const reply = await emitWithAck("signin", { badge: app.signinBadge, pin });
  pinPad.clear();
  pinPad.enabled = true;
  if (reply && reply.status === "ok") {
    clearInterval(app.signinTimer);
    $("signin-error").hidden = true;
    app.operator = reply.operator || { badge: app.signinBadge };
    setOperator(app.operator);
    closeOverlay();
    showLocal("ok", "signed_in", `Signed in: ${operatorText(app.operator)}`);
    pump();  // scans that waited for a sign-in
  } else {
    signinError(reply || { code: "error", message: "Sign-in failed." });
    beep("error");
  }
}

async function signOut() {
  if (!app.connected) {
    showLocal("error", "offline", "Signing out needs the server: wait until the device is online");
    return;
  }
  const reply = await emitWithAck("signout", {});
  if (reply && reply.status === "error") {
    showLocal("error", reply.code, reply.message);
    return;
  }
  app.operator = null;
  $("operator-name").textContent = operatorText(null);
  openSignin();
}

function openKeypad(what) {
  app.keypadFor = what;
  $("keypad-title").textContent = what === "generate"
    ? "Generate how many new numbers?" : "Quantity for the next lot scan";
  keypad.clear();
  openOverlay("keypad");
  refocus();
}

function keypadDone(value) {
  const what = app.keypadFor;
  closeOverlay();
  sendCommand(what, value);
}

function openManual(forWhat) {
  app.manualFor = forWhat;
  openOverlay("manual");
  const input = $("manual-input");
  input.value = "";
  input.focus();
}

function block(code, message) {
  const chip = $("connection");
  chip.dataset.state = "refused";
  chip.textContent = "Not enrolled";
  $("blocked-title").textContent = code === "device_revoked"
    ? "This device was revoked" : "This device is not enrolled";
  const unsent = app.queued ? ` ${app.queued} scan(s) were not sent.` : "";
  $("blocked-message").textContent = `${REFUSALS[code] || message || ""}${unsent}`;
  $("blocked").dataset.code = code;
  openOverlay("blocked");
}

// --- input ---------------------------------------------------------------------------

function refocus() {
  if (TEXT_OVERLAYS.has(app.overlay)) return;
  if (document.activeElement !== scanInput) scanInput.focus({ preventScroll: true });
}

function takeInput() {
  const value = scanInput.value;
  scanInput.value = "";
  if (!value) return;
  if (app.overlay === "blocked" || app.overlay === "keypad") return;
  if (app.overlay === "signin") {
    if (!app.signinBadge) startPin(badgeOf(value));
    return;
  }
  if (app.overlay === "menu") closeOverlay();
  submitScan(normalise(value, app.profile.gs_replacement));
}

scanInput.addEventListener("keydown", (event) => {
  unlockAudio();
  if (app.overlay === "keypad") {
    event.preventDefault();
    if (event.key === "Escape") closeOverlay(); else keypad.press(event.key);
    return;
  }
  if (app.overlay === "signin" && app.signinBadge) {
    event.preventDefault();  // the PIN: hardware number keys work like the keypad's
    pinPad.press(event.key);
    return;
  }
  if (isTerminator(event)) {
    event.preventDefault();
    takeInput();
  }
});
$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  takeInput();
});
scanInput.addEventListener("blur", () => setTimeout(refocus, 0));
document.addEventListener("visibilitychange", () => { if (!document.hidden) refocus(); });
window.addEventListener("focus", refocus);
document.addEventListener("pointerdown", unlockAudio);
// Buttons never take the focus from the scan field (the next scan must land in it).
document.addEventListener("mousedown", (event) => {
  if (!TEXT_OVERLAYS.has(app.overlay) && event.target.closest("button")) event.preventDefault();
});

function on(id, handler) {
  $(id).addEventListener("click", handler);
}

on("undo-button", () => sendCommand("undo"));
on("confirm-button", () => sendCommand("confirm"));
on("cancel-button", () => sendCommand("cancel"));
on("qty-button", () => openKeypad("quantity"));
on("type-button", () => openManual("scan"));
on("more-button", () => openOverlay("menu"));
on("menu-close", closeOverlay);
on("keypad-close", closeOverlay);
on("manual-close", closeOverlay);
on("reprint-close", closeOverlay);
on("new-button", () => { closeOverlay(); sendCommand("new"); });
on("signout-button", () => { closeOverlay(); signOut(); });
on("generate-button", () => {
  if (!app.connected) { closeOverlay(); sendCommand("generate"); return; }
  openKeypad("generate");
});
on("signin-type-badge", () => openManual("badge"));
on("signin-back", () => openSignin());
on("reprint-button", () => {
  $("reprint-reason").value = "";
  $("reprint-error").hidden = true;
  openOverlay("reprint");
});
$("mode-buttons").addEventListener("click", (event) => {
  const btn = event.target.closest("[data-mode]");
  if (!btn) return;
  closeOverlay();
  sendCommand("mode", btn.dataset.mode);
});
$("feedback-choices").addEventListener("click", (event) => {
  const btn = event.target.closest("[data-choose]");
  if (btn) sendCommand("choose", btn.dataset.choose);
});
$("reprint-reasons").addEventListener("click", (event) => {
  const btn = event.target.closest("[data-reason]");
  if (btn) reprint(btn.dataset.reason);
});
$("reprint-form").addEventListener("submit", (event) => {
  event.preventDefault();
  reprint($("reprint-reason").value.trim());
});
$("manual-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("manual-input").value;
  const forWhat = app.manualFor;
  closeOverlay();
  if (!value) return;
  if (forWhat === "badge") startPin(badgeOf(value));
  else submitScan(normalise(value, app.profile.gs_replacement));
});

// The camera module (camera.js) is loaded only when first used: most handhelds never do.
on("camera-button", async () => {
  const video = $("camera-view");
  const button = $("camera-button");
  const torch = $("torch-button");
  if (app.camera) {
    app.camera.stop();
    app.camera = null;
    video.hidden = true;
    torch.hidden = true;
    button.textContent = "Camera";
    return;
  }
  try {
    const camera = await import("/static/js/camera.js");
    video.hidden = false;
    const started = await camera.start(video, (raw, symbology) => submitScan(raw, symbology));
    app.camera = camera;
    button.textContent = "Stop camera";
    torch.hidden = !started.torch; // only where the camera has a light
    setTorchButton(false);
  } catch (err) {
    video.hidden = true;
    torch.hidden = true;
    const why = `Camera scanning is not available: ${err.message}`;
    showLocal("error", err.code || "camera_unavailable", why); // camera.js: clear reasons
  }
});
function setTorchButton(on) {
  $("torch-button").setAttribute("aria-pressed", String(on));
  $("torch-button").textContent = on ? "Light off" : "Light on";
}
on("torch-button", async () => {
  if (!app.camera) return;
  const want = $("torch-button").getAttribute("aria-pressed") !== "true";
  setTorchButton(await app.camera.setTorch(want));
});

// --- the connection ------------------------------------------------------------------

function connect() {
  const socket = globalThis.io("/scan", {
    auth: { token: app.device.token },
    reconnectionDelayMax: 5000,
  });
  app.socket = socket;
  socket.on("connect", () => {
    app.connected = true;
    app.greeted = false;
    renderConnection();
    pump();
  });
  socket.on("disconnect", (reason) => {
    app.connected = false;
    app.greeted = false;
    if (app.abortInflight) app.abortInflight();
    renderConnection();
    // The server closed it (e.g. the device was revoked): ask again to learn why.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), RETRY_MS);
  });
  socket.on("connect_error", (err) => {
    app.connected = false;
    renderConnection();
    const code = err && err.data && err.data.code;
    if (code && REFUSALS[code]) block(code, err.data.message || err.message);
  });
  socket.on("hello", (hello) => {
    if (!hello) return;
    app.profile = hello.profile || {};
    app.greeted = true;
    const name = typeof hello.device === "string" ? hello.device : hello.device && hello.device.name;
    if (name) {
      $("device-name").textContent = name;
      if (name !== app.device.name) saveDevice(app.device.token, name);
    }
    if (hello.session) applySession({ ...hello.session, operator: hello.operator ?? hello.session.operator });
    else setOperator(hello.operator);
  });
  socket.on("session", applySession);
  socket.on("label", showLabel);
}

async function main() {
  app.queue = await openQueue();
  await refreshCount();
  if (!app.device) {
    block("token_missing");
    return;
  }
  $("device-name").textContent = app.device.name || "device";
  connect();
  refocus();
}

window.scantrack = {
  submitScan,
  command: sendCommand,
  flush: () => pump(),
  get connected() { return app.connected; },
  get greeted() { return app.greeted; },
  get queued() { return app.queued; },
  get operator() { return app.operator; },
  get profile() { return app.profile; },
  get session() { return app.session; },
  feedbacks: app.feedbacks,
  sounds: app.sounds,
  ready: main(),
};
