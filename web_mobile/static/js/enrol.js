// /enrol#code=CODE: trades the one-time code (in the fragment, so no server log sees it)
// for a device token, keeps it in this browser and opens the scan screen.
import { ApiError, postJson } from "/static/js/api.js";
import { saveDevice } from "/static/js/device.js";

const status = document.getElementById("enrol-status");
const form = document.getElementById("enrol-form");
const codeInput = document.getElementById("enrol-code");
const scanLink = document.getElementById("enrol-scan");

const MESSAGES = {
  enrolment_expired: "This enrolment code has expired. Ask a supervisor for a new QR code.",
  enrolment_used: "This enrolment code was used already. Ask a supervisor for a new QR code.",
  enrolment_unknown: "This enrolment code is not known. Check it, or ask for a new QR code.",
  device_revoked: "This device was revoked. Ask a supervisor to add it again.",
  offline: "No connection to the server: connect to the network and try again.",
};

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

async function enrol(code) {
  show("waiting", "Enrolling…");
  try {
    const answer = await postJson(null, "/api/v1/devices/enrol", { code });
    const name = answer.device && (answer.device.name || answer.device);
    saveDevice(answer.token, typeof name === "string" ? name : "");
    history.replaceState(null, "", "/enrol");  // the code is used up: keep it out of history
    show("ok", `Enrolled as ${name}. Opening the scan screen…`);
    scanLink.hidden = false;
    location.assign("/scan");
  } catch (err) {
    const code = err instanceof ApiError ? err.code : "error";
    status.dataset.code = code;
    show("error", MESSAGES[code] || `Enrolment failed: ${err.message}`);
    form.hidden = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const code = codeInput.value.trim();
  if (code) enrol(code);
});

const code = new URLSearchParams(location.hash.slice(1)).get("code");
if (code) {
  enrol(code);
} else {
  show("waiting", "Open the link from the device's QR code, or type its code below.");
  form.hidden = false;
}
