// Registers the service worker that keeps the app shell for offline reloads.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((err) => {
    console.warn("service worker not registered:", err);
  });
}
