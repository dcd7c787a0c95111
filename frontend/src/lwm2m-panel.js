// The LwM2M panel: the Devices list at /lwm2m, a device at /lwm2m/device/<endpoint>/<tab>.
import { LitElement, html } from "lit";
import { navigate } from "./api.js";
import { panelStyles } from "./styles.js";
import "./device-list.js";
import "./device-view.js";

const BASE = "/lwm2m";

class Lwm2mPanel extends LitElement {
  static properties = {
    hass: { attribute: false },
    narrow: { type: Boolean },
    route: { attribute: false },
    panel: { attribute: false },
  };

  static styles = panelStyles;

  _location() {
    const path = this.route?.path ?? window.location.pathname.slice(BASE.length);
    const [, kind, endpoint, tab] = path.split("/");
    if (kind === "device" && endpoint) {
      return { endpoint: decodeURIComponent(endpoint), tab: tab || "objects" };
    }
    return {};
  }

  render() {
    if (!this.hass) return html``;
    const { endpoint, tab } = this._location();
    const menu = customElements.get("ha-menu-button")
      ? html`<ha-menu-button .hass=${this.hass} .narrow=${this.narrow}></ha-menu-button>`
      : "";
    if (endpoint) {
      return html`<lwm2m-device-view
        .hass=${this.hass}
        .endpoint=${endpoint}
        .tab=${tab}
        @back=${() => navigate(BASE)}
        @tab-changed=${(event) =>
          navigate(`${BASE}/device/${encodeURIComponent(endpoint)}/${event.detail}`)}
      ></lwm2m-device-view>`;
    }
    return html`<div class="toolbar">${menu}<span>LwM2M devices</span></div>
      <lwm2m-device-list
        .hass=${this.hass}
        @open-device=${(event) =>
          navigate(`${BASE}/device/${encodeURIComponent(event.detail)}/objects`)}
      ></lwm2m-device-list>`;
  }
}

customElements.define("lwm2m-panel", Lwm2mPanel);
