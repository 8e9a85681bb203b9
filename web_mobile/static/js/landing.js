import { loadDevice } from "/static/js/device.js";

const note = document.getElementById("landing-device");
const device = loadDevice();
if (device) {
  note.textContent = `This browser is enrolled as ${device.name || "a device"}.`;
  note.dataset.state = "ok";
} else {
  note.textContent = "This browser is not enrolled yet: see below.";
}
