// One device: its header and the tabs Objects, Operations, Shell, Bootstrap and Audit,
// kept live by one subscription.
import { LitElement, html, css } from "lit";
import { call, subscribe } from "./api.js";
import { formatTime, STATE_LABELS } from "./format.js";
import { panelStyles } from "./styles.js";
import "./objects-tab.js";
import "./operations-tab.js";
import "./shell-tab.js";
import "./bootstrap-tab.js";
import "./audit-tab.js";

const TABS = [
  ["objects", "Objects"],
  ["operations", "Operations"],
  ["shell", "Shell"],
  ["bootstrap", "Bootstrap"],
  ["audit", "Audit"],
];

class DeviceView extends LitElement {
  static properties = {
    hass: { attribute: false },
    endpoint: { type: String },
    tab: { type: String },
    _view: { state: true },
    _values: { state: true },
    _error: { state: true },
    _changes: { state: true },
  };

  static styles = [
    panelStyles,
    css`
      .tabs { display: flex; gap: 4px; padding: 0 16px; background: var(--app-header-background-color, var(--primary-color, #03a9f4)); overflow-x: auto; }
      .tabs button { border: none; border-radius: 0; color: var(--app-header-text-color, #fff); opacity: 0.75; padding: 10px 16px; border-bottom: 2px solid transparent; }
      .tabs button[aria-selected="true"] { opacity: 1; border-bottom-color: var(--app-header-text-color, #fff); }
      .facts { display: flex; gap: 16px; flex-wrap: wrap; }
    `,
  ];

  constructor() {
    super();
    this._values = {};
    this._changes = { history: 0, requests: 0 };
  }

  updated(changed) {
    if (changed.has("endpoint") && this.endpoint) this._load();
    else if (changed.has("tab") && this._view) this._refresh();  // other tabs may have written
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._stop();
  }

  _stop() {
    this._unsubscribe?.then((stop) => stop()).catch(() => {});
    this._unsubscribe = undefined;
  }

  async _load() {
    this._stop();
    this._error = undefined;
    try {
      const view = await call(this.hass, "lwm2m/device", { endpoint: this.endpoint });
      this._view = view;
      this._values = view.values;
      this._unsubscribe = subscribe(
        this.hass, "lwm2m/device/subscribe", { endpoint: this.endpoint },
        (event) => this._event(event));
    } catch (error) {
      this._error = error.message;
    }
  }

  /** The object tree, values and state again (the registration changed). */
  async _refresh() {
    try {
      const view = await call(this.hass, "lwm2m/device", { endpoint: this.endpoint });
      this._view = view;
      this._values = { ...this._values, ...view.values };
    } catch (error) {
      this._error = error.message;
    }
  }

  _event(event) {
    if (event.values) this._values = { ...this._values, ...event.values };
    if (event.device) {
      this._view = { ...this._view, device: event.device };
      this._refresh();
    }
    if (event.history) this._changes = { ...this._changes, history: this._changes.history + 1 };
    if (event.requests) this._changes = { ...this._changes, requests: this._changes.requests + 1 };
  }

  /** Values a tab learnt from a response (a read, a write). */
  _learnt(event) {
    this._values = { ...this._values, ...event.detail };
  }

  _observed(event) {
    const { path, observed } = event.detail;
    const paths = new Set(this._view.observed);
    if (observed) paths.add(path); else paths.delete(path);
    this._view = { ...this._view, observed: [...paths] };
  }

  _select(tab) {
    this.dispatchEvent(new CustomEvent("tab-changed", { detail: tab, bubbles: true, composed: true }));
  }

  _renderTab() {
    const common = { hass: this.hass, endpoint: this.endpoint };
    switch (this.tab) {
      case "operations":
        return html`<lwm2m-operations-tab .hass=${common.hass} .endpoint=${common.endpoint}
          .changes=${this._changes}></lwm2m-operations-tab>`;
      case "shell":
        return html`<lwm2m-shell-tab .hass=${common.hass} .endpoint=${common.endpoint}
          .objects=${this._view.objects} @values-learnt=${this._learnt}></lwm2m-shell-tab>`;
      case "bootstrap":
        return html`<lwm2m-bootstrap-tab .hass=${common.hass} .endpoint=${common.endpoint}></lwm2m-bootstrap-tab>`;
      case "audit":
        return html`<lwm2m-audit-tab .hass=${common.hass} .endpoint=${common.endpoint}></lwm2m-audit-tab>`;
      default:
        return html`<lwm2m-objects-tab .hass=${common.hass} .endpoint=${common.endpoint}
          .objects=${this._view.objects} .values=${this._values} .observed=${this._view.observed}
          @values-learnt=${this._learnt} @observed-changed=${this._observed}
          @tree-changed=${() => this._refresh()}></lwm2m-objects-tab>`;
    }
  }

  render() {
    const device = this._view?.device;
    return html`<div class="toolbar">
        <button aria-label="Back to the devices" title="Back to the devices"
          @click=${() => this.dispatchEvent(new CustomEvent("back", { bubbles: true, composed: true }))}>←</button>
        <span class="mono">${this.endpoint}</span>
        ${device ? html`<span class="badge ${device.state}">${STATE_LABELS[device.state] ?? device.state}</span>` : ""}
      </div>
      <div class="tabs" role="tablist">
        ${TABS.map(([key, label]) => html`<button role="tab" data-tab=${key}
          aria-selected=${String((this.tab || "objects") === key)}
          @click=${() => this._select(key)}>${label}</button>`)}
      </div>
      <div class="content">
        ${this._error ? html`<div class="card"><div class="card-content error">${this._error}</div></div>` : ""}
        ${device ? html`<div class="card"><div class="card-content facts">
          <span>${device.name ?? device.endpoint}</span>
          <span class="muted">LwM2M ${device.lwm2m_version ?? "?"}</span>
          <span class="muted">binding ${device.binding ?? "?"}</span>
          <span class="muted">lifetime ${device.lifetime ?? "?"} s</span>
          <span class="muted">${device.address ?? "no address"}</span>
          <span class="muted">${device.secure ? "DTLS" : "not secured"}</span>
          <span class="muted">last seen ${formatTime(device.last_seen)}</span>
        </div></div>` : ""}
        ${this._view ? this._renderTab() : ""}
      </div>`;
  }
}

customElements.define("lwm2m-device-view", DeviceView);
