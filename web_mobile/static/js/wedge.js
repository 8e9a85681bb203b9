// What a keyboard wedge types, turned back into what the barcode holds.
export const GS = "\x1d";

// A wedge cannot type ASCII 29 (GS1's FNC1 separator): the scanner is set to send a
// replacement character instead (the device profile's gs_replacement), turned back here.
// AIM symbology identifiers (]C1, ]d2, ]Q3, ...) pass through as they arrived.
export function normalise(raw, gsReplacement) {
  let text = String(raw).replace(/[\r\n]+$/, "");
  if (gsReplacement) text = text.split(gsReplacement).join(GS);
  return text;
}

// A badge as scanned (OP:0042) or typed (0042): the badge number.
export function badgeOf(raw, prefix = "OP:") {
  const text = String(raw).trim();
  return text.toUpperCase().startsWith(prefix.toUpperCase()) ? text.slice(prefix.length) : text;
}

// Keys that end a wedge scan: scanners are set to send Enter (CR) or Tab as the suffix.
export function isTerminator(event) {
  return event.key === "Enter" || event.key === "Tab" || event.keyCode === 13;
}
