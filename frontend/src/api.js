// The panel's websocket API (custom_components/lwm2m/panel): one helper per need.

/** A command's result; a failure rejects with the error's message in the user's words. */
export async function call(hass, type, fields = {}) {
  try {
    return await hass.callWS({ type, ...fields });
  } catch (error) {
    throw new Error(error?.message || String(error));
  }
}

/** Subscribe to a command's events; resolves to the function that ends it. */
export function subscribe(hass, type, fields, onEvent) {
  return hass.connection.subscribeMessage(onEvent, { type, ...fields });
}

export function navigate(path) {
  history.pushState(null, "", path);
  window.dispatchEvent(new CustomEvent("location-changed", { detail: { replace: false } }));
}
