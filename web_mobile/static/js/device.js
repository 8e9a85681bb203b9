// This browser's enrolment: the device token and name, kept in localStorage.
const TOKEN = "scantrack.token";
const NAME = "scantrack.device";

export function loadDevice() {
  const token = localStorage.getItem(TOKEN);
  return token ? { token, name: localStorage.getItem(NAME) || "" } : null;
}

export function saveDevice(token, name) {
  localStorage.setItem(TOKEN, token);
  localStorage.setItem(NAME, name || "");
}

export function forgetDevice() {
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(NAME);
}

// A v4 UUID. crypto.randomUUID exists only in secure contexts (HTTPS, localhost); a
// handheld on plain http on the LAN still has crypto.getRandomValues.
export function newId() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
