// A station display: the feedback of one station's fixed scanner, live, big, with sound.
//
// Connects to the Socket.IO namespace /scan with auth {token, station} and only listens:
// the server sends `feedback {device, station, scan_id, raw, feedback}` to the station's
// room after each scan there. The token: `#token=...` in the URL once (kiosk set-up; the
// fragment is removed from the address bar and never reaches a server), else asked for
// on the page; either way it is kept in localStorage for the next start.
import { signal, unlockAudio } from "./signals.js";

const TOKEN_KEY = "scantrack.station.token";
const HISTORY = 10; // scans listed under the feedback
const REFUSALS = new Set(["token_missing", "token_unknown", "device_revoked", "station_unknown"]);
const WORDS = { ok: "OK", warn: "CHECK", error: "ERROR" };

const $ = (id) => document.getElementById(id);
const station = $("station-name").dataset.station;
// What tests and a curious supervisor can read: every feedback shown, every sound played.
const state = { station, socket: null, feedbacks: [], sounds: [] };
window.scantrackStation = state;

function takeToken() {
  const params = new URLSearchParams(location.hash.slice(1));
  const fromUrl = params.get("token");
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return localStorage.getItem(TOKEN_KEY);
}

function setConnection(stateName, text) {
  const chip = $("connection");
  chip.dataset.state = stateName;
  chip.textContent = text;
}

function askToken(message) {
  $("token").hidden = false;
  $("token-error").hidden = !message;
  $("token-error").textContent = message || "";
  $("token-input").value = "";
  $("token-input").focus();
}

// python-socketio sends a refusal's {code, message} as the error's data, or (a dict given
// as the only argument) as its message text: read both.
function refusal(err) {
  const data = err && err.data;
  if (data && typeof data === "object" && data.code) return data;
  const text = String((err && err.message) || "");
  const code = /['"]code['"]:\s*['"]([a-z_]+)['"]/.exec(text);
  const msg = /['"]message['"]:\s*['"](.*?)['"]\s*[,}]/.exec(text);
  return code ? { code: code[1], message: msg ? msg[1] : text } : null;
}

function connect(token) {
  if (state.socket) state.socket.disconnect();
  setConnection("connecting", "Connecting…");
  const socket = globalThis.io("/scan", {
    auth: { token, station },
    reconnectionDelayMax: 5000,
  });
  state.socket = socket;
  socket.on("connect", () => setConnection("online", "Live"));
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect") setConnection("offline", "Offline: reconnecting…");
  });
  socket.on("connect_error", (err) => {
    const refused = refusal(err);
    if (refused && REFUSALS.has(refused.code)) {
      socket.disconnect(); // a refused token stays refused: ask for another
      localStorage.removeItem(TOKEN_KEY);
      setConnection("refused", `Refused: ${refused.code}`);
      askToken(`${refused.message || "The token was refused"} (${refused.code})`);
      return;
    }
    setConnection("offline", "Offline: reconnecting…");
  });
  socket.on("feedback", (event) => {
    if (event && (!event.station || event.station === station)) show(event);
  });
}

function visible(raw) {
  return String(raw ?? "").replaceAll("\x1d", "␝"); // GS, shown, not swallowed
}

function show(event) {
  const fb = event.feedback || {};
  const status = WORDS[fb.status] ? fb.status : "error";
  state.feedbacks.push(event);
  const panel = $("feedback");
  panel.dataset.status = status;
  panel.dataset.code = fb.code || "";
  panel.dataset.scanId = event.scan_id || "";
  $("feedback-word").textContent = WORDS[status];
  $("feedback-message").textContent = fb.message || fb.code || "";
  $("feedback-raw").textContent = visible(event.raw);
  if (fb.prompt) $("prompt-text").textContent = fb.prompt;
  state.sounds.push(signal(status, fb.sound));

  const item = document.createElement("li");
  item.dataset.status = status;
  item.dataset.code = fb.code || "";
  const when = document.createElement("span");
  when.className = "when";
  when.textContent = new Date().toLocaleTimeString();
  const message = document.createElement("span");
  message.textContent = `${fb.message || fb.code || ""} `;
  const raw = document.createElement("span");
  raw.className = "raw";
  raw.textContent = visible(event.raw);
  item.append(when, message, raw);
  const list = $("history");
  list.prepend(item);
  while (list.children.length > HISTORY) list.lastElementChild.remove();
}

// Browsers play sound only after a gesture (a kiosk can start Chromium with
// --autoplay-policy=no-user-gesture-required instead): offer a tap until sound may play.
function soundAllowed() {
  if (state.soundOn) return true;
  const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!Ctx) return true; // no sound to offer
  const probe = new Ctx(); // "running" at once only where autoplay is allowed
  const allowed = probe.state === "running";
  probe.close().catch(() => {});
  return allowed;
}

function renderSoundButton() {
  state.soundOn = soundAllowed();
  $("sound-button").hidden = state.soundOn;
}

$("sound-button").addEventListener("click", () => {
  unlockAudio();
  state.soundOn = true;
  renderSoundButton();
});

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token-input").value.trim();
  if (!token) return;
  localStorage.setItem(TOKEN_KEY, token);
  $("token").hidden = true;
  unlockAudio(); // the tap on the button counts as the gesture sound needs
  state.soundOn = true;
  renderSoundButton();
  connect(token);
});

unlockAudio(); // works at once under the kiosk flag; otherwise the sound button stays
renderSoundButton();
const token = takeToken();
if (token) connect(token);
else askToken("");
