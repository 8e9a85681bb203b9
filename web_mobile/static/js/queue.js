// The outbox of scans and commands, in IndexedDB: each entry is stored BEFORE it is
// sent and removed only after the server's ack, so a reload, a crash or a dead WLAN
// loses nothing; the scan_id makes a resend apply once.
import { openDB } from "/static/vendor/idb/idb.js";

const DB = "scantrack";
const STORE = "outbox";

export async function openQueue() {
  const db = await openDB(DB, 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
    },
  });
  return {
    add: (entry) => db.add(STORE, { ...entry, queued_at: new Date().toISOString() }),
    first: async () => {
      const cursor = await db.transaction(STORE).store.openCursor();
      return cursor ? cursor.value : null;
    },
    remove: (seq) => db.delete(STORE, seq),
    count: () => db.count(STORE),
    all: () => db.getAll(STORE),
    clear: () => db.clear(STORE),
  };
}
