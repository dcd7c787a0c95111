// Every known device, searchable and sortable; only the rows in view are rendered, so the
// list stays quick with thousands of devices.
import { LitElement, html, css } from "lit";
import { call, subscribe } from "./api.js";
import { formatTime, STATE_LABELS } from "./format.js";
import { panelStyles } from "./styles.js";

const ROW_HEIGHT = 40;
const OVERSCAN = 10;
const COLUMNS = [
  ["endpoint", "Endpoint"],
  ["name", "Name"],
  ["state", "State"],
  ["lwm2m_version", "LwM2M"],
  ["binding", "Binding"],
  ["lifetime", "Lifetime (s)"],
  ["last_seen", "Last seen"],
  ["address", "Address"],
  ["secure", "Secure"],
];

class DeviceList extends LitElement {
  static properties = {
    hass: { attribute: false },
    _devices: { state: true },
    _filter: { state: true },
    _sort: { state: true },
    _first: { state: true },
    _visible: { state: true },
    _error: { state: true },
  };

  static styles = [
    panelStyles,
    css`
      .scroller { max-height: calc(100vh - 230px); min-height: ${ROW_HEIGHT}px; overflow-y: auto; position: relative; }
      .grid { display: grid; grid-template-columns: 2fr 2fr 1fr 0.6fr 0.6fr 0.8fr 2fr 2fr 0.6fr; align-items: center; }
      .head { font-weight: 500; color: var(--secondary-text-color, #727272); border-bottom: 1px solid var(--divider-color, #e0e0e0); }
      .head span { padding: 8px; cursor: pointer; user-select: none; }
      .device { height: ${ROW_HEIGHT}px; position: absolute; left: 0; right: 0; cursor: pointer; border-bottom: 1px solid var(--divider-color, #e0e0e0); }
      .device:hover { background: var(--secondary-background-color, #f5f5f5); }
      .device span { padding: 0 8px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .count { padding: 8px 16px; }
    `,
  ];

  constructor() {
    super();
    this._devices = [];
    this._filter = "";
    this._sort = { key: "endpoint", descending: false };
    this._first = 0;
    this._visible = Math.ceil(window.innerHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    this._byEndpoint = new Map();
  }

  connectedCallback() {
    super.connectedCallback();
    this._load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._unsubscribe?.then((stop) => stop());
    this._unsubscribe = undefined;
  }

  async _load() {
    try {
      const { devices } = await call(this.hass, "lwm2m/devices");
      this._byEndpoint = new Map(devices.map((row) => [row.endpoint, row]));
      this._devices = devices;
      this._unsubscribe = subscribe(this.hass, "lwm2m/devices/subscribe", {}, (event) => {
        for (const row of event.devices) this._byEndpoint.set(row.endpoint, row);
        this._devices = [...this._byEndpoint.values()];
      });
    } catch (error) {
      this._error = error.message;
    }
  }

  willUpdate(changed) {
    if (changed.has("_devices") || changed.has("_filter") || changed.has("_sort")) {
      this._shownRows = this._rows();  // scrolling re-renders without sorting again
    }
  }

  _rows() {
    const needle = this._filter.trim().toLowerCase();
    const rows = needle
      ? this._devices.filter((row) =>
          [row.endpoint, row.name, row.state, row.address]
            .some((text) => text && String(text).toLowerCase().includes(needle)))
      : [...this._devices];
    const { key, descending } = this._sort;
    const direction = descending ? -1 : 1;
    rows.sort((a, b) => {
      const left = a[key] ?? "";
      const right = b[key] ?? "";
      if (left < right) return -direction;
      if (left > right) return direction;
      return a.endpoint < b.endpoint ? -1 : 1;
    });
    return rows;
  }

  _scrolled(event) {
    const scroller = event.target;
    this._first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    this._visible = Math.ceil(scroller.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
  }

  _sortBy(key) {
    const descending = this._sort.key === key ? !this._sort.descending : false;
    this._sort = { key, descending };
  }

  _open(endpoint) {
    this.dispatchEvent(new CustomEvent("open-device", { detail: endpoint, bubbles: true, composed: true }));
  }

  render() {
    const rows = this._shownRows;
    const shown = rows.slice(this._first, this._first + this._visible);
    const arrow = (key) => (this._sort.key === key ? (this._sort.descending ? " ▼" : " ▲") : "");
    return html`<div class="content">
      <div class="card">
        <div class="card-header">
          <input
            class="grow"
            type="search"
            placeholder="Search endpoint, name, state or address"
            aria-label="Search devices"
            .value=${this._filter}
            @input=${(event) => { this._filter = event.target.value; }}
          />
        </div>
        ${this._error ? html`<div class="card-content error">${this._error}</div>` : ""}
        <div class="grid head" role="row">
          ${COLUMNS.map(([key, label]) => html`<span role="columnheader" data-sort=${key}
            @click=${() => this._sortBy(key)}>${label}${arrow(key)}</span>`)}
        </div>
        <div class="scroller" @scroll=${this._scrolled}>
          <div style="height: ${rows.length * ROW_HEIGHT}px" class="rows">
            ${shown.map((row, index) => html`<div
              class="grid device"
              role="row"
              data-endpoint=${row.endpoint}
              style="top: ${(this._first + index) * ROW_HEIGHT}px"
              @click=${() => this._open(row.endpoint)}
            >
              <span class="mono">${row.endpoint}</span>
              <span>${row.name ?? ""}</span>
              <span><span class="badge ${row.state}">${STATE_LABELS[row.state] ?? row.state}</span></span>
              <span>${row.lwm2m_version ?? ""}</span>
              <span>${row.binding ?? ""}</span>
              <span>${row.lifetime ?? ""}</span>
              <span>${formatTime(row.last_seen)}</span>
              <span class="mono">${row.address ?? ""}</span>
              <span>${row.secure ? "DTLS" : row.secure === false ? "No" : ""}</span>
            </div>`)}
          </div>
        </div>
        <div class="count muted">${`${rows.length} of ${this._devices.length} devices`}</div>
      </div>
    </div>`;
  }
}

customElements.define("lwm2m-device-list", DeviceList);
