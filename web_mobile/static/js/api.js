// REST calls with the device token (an operator API token).
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

async function request(token, method, url, body) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let resp;
  try {
    resp = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "offline", "No connection to the server");
  }
  return resp;
}

async function failure(resp) {
  let err = {};
  try { err = (await resp.json()).error || {}; } catch { /* not JSON */ }
  return new ApiError(resp.status, err.code || `http_${resp.status}`,
    err.message || `The server answered ${resp.status}`, err.details);
}

export async function getJson(token, url) {
  const resp = await request(token, "GET", url);
  if (!resp.ok) throw await failure(resp);
  return resp.json();
}

export async function postJson(token, url, body) {
  const resp = await request(token, "POST", url, body);
  if (!resp.ok) throw await failure(resp);
  return resp.json();
}

// An image the API serves only with the bearer header: fetched, shown as a blob URL.
export async function getBlobUrl(token, url) {
  const resp = await request(token, "GET", url);
  if (!resp.ok) throw await failure(resp);
  return URL.createObjectURL(await resp.blob());
}
