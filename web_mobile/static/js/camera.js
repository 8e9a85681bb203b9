// Camera scanning for phones: start(video, onScan) reads barcodes from the rear camera.
//
// The browser's own BarcodeDetector is used where it has one (Chrome on Android, Safari);
// elsewhere the zxing-wasm reader vendored under /static/vendor/zxing-wasm/ (its .wasm
// served by scantrack, never from a CDN). onScan(raw, symbology) gets the data with its
// group separators (ASCII 29) and the AIM symbology identifier ("]d2" GS1 DataMatrix,
// "]C1" GS1-128, ...), so the gateway reads GS1 as GS1. A code that stays in view is
// reported once; it is reported again after it has been out of view for SUPPRESS_MS.
//
// The camera needs a secure context: HTTPS, or http://localhost on the device itself.

const SUPPRESS_MS = 1500;
const INTERVAL_MS = 100; // between decodes: the decoder, not the frame rate, is the limit
const ZXING = new URL("../vendor/zxing-wasm/dist/es/reader/index.js", import.meta.url);
const ZXING_WASM = new URL("../vendor/zxing-wasm/dist/reader/zxing_reader.wasm", import.meta.url);

// What a warehouse scans; fewer formats decode faster.
const ZXING_FORMATS = [
  "DataMatrix", "Code128", "QRCode", "EAN13", "EAN8", "UPCA", "UPCE", "ITF",
  "DataBar", "DataBarExp", "Code39", "PDF417",
];
const NATIVE_FORMATS = [
  "data_matrix", "code_128", "qr_code", "ean_13", "ean_8", "upc_a", "upc_e", "itf",
  "code_39", "pdf417",
];

// zxing-wasm names a result's symbology identifier itself; this is for results without one.
const ZXING_AIM = {
  DataMatrix: "]d1", Code128: "]C0", QRCode: "]Q1", EAN13: "]E0", UPCA: "]E0",
  UPCE: "]E0", EAN8: "]E4", ITF: "]I0", Code39: "]A0", PDF417: "]L0",
};
// BarcodeDetector says the format, not whether the symbol is GS1: only a group separator
// in the data (GS1's FNC1 separator) says so. Otherwise no identifier is sent and the
// device's scan profile decides, as for a scanner without AIM identifiers.
const NATIVE_AIM = { ean_13: "]E0", upc_a: "]E0", upc_e: "]E0", ean_8: "]E4", code_39: "]A0" };
const NATIVE_GS1_AIM = { data_matrix: "]d2", code_128: "]C1", qr_code: "]Q3" };

export class CameraError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "CameraError";
    this.code = code; // insecure_context | unsupported | permission_denied | no_camera | camera_busy | decoder_failed
  }
}

const MESSAGES = {
  insecure_context:
    "The camera needs a secure connection: open scantrack over HTTPS " +
    "(plain http works only on localhost).",
  unsupported: "This browser cannot use a camera.",
  permission_denied:
    "Camera permission was refused. Allow the camera for this site in the browser's " +
    "site settings, then try again.",
  no_camera: "No camera was found on this device.",
  camera_busy: "The camera is in use by another app. Close it and try again.",
  decoder_failed: "The barcode reader could not be loaded.",
};

let run = null; // the one running camera: {stream, video, timer, ...}
let generation = 0; // start() and stop() bump it: a start overtaken while it waits gives up

/** Start the camera on videoElement; resolves to {engine, torch} once frames are read. */
export async function start(videoElement, onScan, options = {}) {
  stop();
  const gen = generation;
  if (!globalThis.isSecureContext) throw failure("insecure_context");
  if (!navigator.mediaDevices?.getUserMedia) throw failure("unsupported");
  // Both at once (the permission prompt while the reader loads); neither left open alone.
  const [cam, dec] = await Promise.allSettled([openCamera(), makeDecoder(options.engine)]);
  if (cam.status === "rejected" || dec.status === "rejected") {
    if (cam.status === "fulfilled") for (const track of cam.value.getTracks()) track.stop();
    throw cam.status === "rejected" ? cam.reason : dec.reason;
  }
  const stream = cam.value;
  const decoder = dec.value;
  if (gen !== generation) {
    for (const track of stream.getTracks()) track.stop();
    return { engine: decoder.engine, torch: false, cancelled: true };
  }
  const me = {
    stream,
    video: videoElement,
    decoder,
    onScan,
    timer: 0,
    stopped: false,
    seen: new Map(), // key -> last time it was in view
    stats: { engine: decoder.engine, frames: 0, scans: 0, suppressed: 0 },
  };
  run = me;
  videoElement.muted = true;
  videoElement.playsInline = true; // iOS: inline, not full screen
  videoElement.setAttribute("playsinline", "");
  videoElement.srcObject = stream;
  try {
    await videoElement.play();
  } catch (err) {
    if (me.stopped) return { engine: decoder.engine, torch: false, cancelled: true };
    stop();
    throw err;
  }
  me.timer = setTimeout(() => tick(me), 0);
  return { engine: decoder.engine, torch: torchSupported() };
}

/** Stop the camera (the light goes off) and the decoding loop. Safe to call twice. */
export function stop() {
  generation += 1;
  const me = run;
  run = null;
  if (!me) return;
  me.stopped = true;
  clearTimeout(me.timer);
  for (const track of me.stream.getTracks()) track.stop();
  if (me.video.srcObject === me.stream) me.video.srcObject = null;
}

/** Whether the running camera has a torch (most phones' rear cameras on Android). */
export function torchSupported() {
  const track = run?.stream.getVideoTracks()[0];
  const caps = track?.getCapabilities ? track.getCapabilities() : {};
  return Boolean(caps.torch);
}

/** Switch the torch on or off; resolves to the new state (false when there is none). */
export async function setTorch(on) {
  const track = run?.stream.getVideoTracks()[0];
  if (!track || !torchSupported()) return false;
  await track.applyConstraints({ advanced: [{ torch: Boolean(on) }] });
  return Boolean(on);
}

/** Counters of the running camera (tests and diagnostics). */
export function stats() {
  return run ? { ...run.stats } : null;
}

/** A clear sentence for any error start() threw. */
export function describe(err) {
  if (err instanceof CameraError) return err.message;
  return `The camera did not start: ${err?.message || err}`;
}

function failure(code, cause) {
  const err = new CameraError(code, MESSAGES[code]);
  if (cause) err.cause = cause;
  return err;
}

async function openCamera() {
  const video = {
    facingMode: { ideal: "environment" },
    width: { ideal: 1280 },
    height: { ideal: 720 },
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: false });
  } catch (err) {
    const name = err?.name;
    if (name === "NotAllowedError" || name === "SecurityError") throw failure("permission_denied", err);
    if (name === "NotFoundError" || name === "OverconstrainedError") throw failure("no_camera", err);
    if (name === "NotReadableError" || name === "AbortError") throw failure("camera_busy", err);
    throw err;
  }
}

async function makeDecoder(engine) {
  if (engine !== "zxing" && "BarcodeDetector" in globalThis) {
    let supported = [];
    try {
      supported = await globalThis.BarcodeDetector.getSupportedFormats();
    } catch {
      supported = [];
    }
    const formats = NATIVE_FORMATS.filter((f) => supported.includes(f));
    // Without Data Matrix and Code 128 it cannot read GS1 labels: use zxing-wasm instead.
    if (formats.includes("data_matrix") && formats.includes("code_128")) {
      return nativeDecoder(new globalThis.BarcodeDetector({ formats }));
    }
  }
  if (engine === "native") throw failure("unsupported");
  try {
    return await zxingDecoder();
  } catch (err) {
    throw failure("decoder_failed", err);
  }
}

function nativeDecoder(detector) {
  return {
    engine: "native",
    async read(video) {
      const found = await detector.detect(video);
      return found.map((b) => {
        const raw = b.rawValue;
        const gs1 = raw.includes("\x1d") ? NATIVE_GS1_AIM[b.format] : undefined;
        return { raw, symbology: gs1 || NATIVE_AIM[b.format] || null };
      });
    },
  };
}

async function zxingDecoder() {
  const zxing = await import(ZXING.href);
  await zxing.prepareZXingModule({
    overrides: {
      // scantrack serves the .wasm; the package's default would fetch it from a CDN.
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? ZXING_WASM.href : prefix + path),
    },
    fireImmediately: true,
  });
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const options = {
    formats: ZXING_FORMATS,
    textMode: "Plain", // keeps ASCII 29; the default (HRI) would print "(01)..."
    tryHarder: true,
    maxNumberOfSymbols: 8,
  };
  return {
    engine: "zxing",
    async read(video) {
      const { videoWidth: w, videoHeight: h } = video;
      if (!w || !h) return [];
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      ctx.drawImage(video, 0, 0, w, h);
      const found = await zxing.readBarcodes(ctx.getImageData(0, 0, w, h), options);
      return found
        .filter((r) => r.isValid)
        .map((r) => ({
          raw: r.text,
          symbology: r.symbologyIdentifier || ZXING_AIM[r.format] || null,
        }));
    },
  };
}

async function tick(me) {
  if (me.stopped) return;
  try {
    if (me.video.readyState >= 2) {
      const codes = await me.decoder.read(me.video);
      if (me.stopped) return;
      me.stats.frames += 1;
      report(me, codes, performance.now());
    }
  } catch (err) {
    console.warn("camera: a frame could not be decoded", err);
  }
  if (!me.stopped) me.timer = setTimeout(() => tick(me), INTERVAL_MS);
}

function report(me, codes, now) {
  for (const [key, last] of me.seen) {
    if (now - last > SUPPRESS_MS) me.seen.delete(key);
  }
  for (const { raw, symbology } of codes) {
    if (!raw) continue;
    const key = `${symbology || ""}\n${raw}`;
    const held = me.seen.has(key);
    me.seen.set(key, now); // still in view: the quiet time starts again
    if (held) {
      me.stats.suppressed += 1;
      continue;
    }
    me.stats.scans += 1;
    try {
      me.onScan(raw, symbology);
    } catch (err) {
      console.error("camera: onScan failed", err);
    }
  }
}
