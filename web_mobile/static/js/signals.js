// Sounds and vibration for feedback: an operator hears and feels the result without
// looking. WebAudio tones, so no sound files: a short high beep (ok), a double beep
// (warn), a long low buzz (error), and a soft tick for a scan kept offline.
const TONES = {
  beep: [{ freq: 1760, ms: 90, type: "square" }],
  "double-beep": [
    { freq: 880, ms: 110, type: "square" },
    { gap: 70 },
    { freq: 880, ms: 110, type: "square" },
  ],
  buzz: [{ freq: 160, ms: 650, type: "sawtooth" }],
  tick: [{ freq: 2400, ms: 30, type: "sine" }],
};
const VIBRATION = { beep: [60], "double-beep": [100, 80, 100], buzz: [400, 120, 400], tick: [] };
const SOUND_OF = { ok: "beep", warn: "double-beep", error: "buzz", queued: "tick" };

let audio = null;

// Browsers start audio only after a user gesture: a key from the wedge or a tap counts.
export function unlockAudio() {
  const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!Ctx) return;
  if (!audio) audio = new Ctx();
  if (audio.state === "suspended") audio.resume().catch(() => {});
}

export function soundFor(status, sound) {
  return TONES[sound] ? sound : SOUND_OF[status] || "buzz";
}

// Plays the sound for a status (or the server's `sound` name); returns its name.
export function signal(status, sound) {
  const name = soundFor(status, sound);
  if (navigator.vibrate && VIBRATION[name].length) {
    try { navigator.vibrate(VIBRATION[name]); } catch { /* not allowed yet */ }
  }
  if (!audio || audio.state !== "running") return name;
  let at = audio.currentTime + 0.01;
  for (const part of TONES[name]) {
    if (part.gap) { at += part.gap / 1000; continue; }
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = part.type;
    osc.frequency.value = part.freq;
    gain.gain.setValueAtTime(0.35, at);
    gain.gain.setValueAtTime(0.35, at + part.ms / 1000 - 0.01);
    gain.gain.linearRampToValueAtTime(0, at + part.ms / 1000);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + part.ms / 1000);
    at += part.ms / 1000;
  }
  return name;
}
