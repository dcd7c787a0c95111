// The Audit tab: the device's writable values against a reference device's, per object
// instance; differing values can be synced to the reference's.
import { LitElement, html, css } from "lit";
import { call } from "./api.js";
import { formatValue } from "./format.js";
import { panelStyles } from "./styles.js";

class AuditTab extends LitElement {
  static properties = {
    hass: { attribute: false },
    endpoint: { type: String },
    _devices: { state: true },
    _reference: { state: true },
    _audit: { state: true },
    _open: { state: true },
    _selected: { state: true },
    _results: { state: true },
    _busy: { state: true },
    _error: { state: true },
  };

  static styles = [
    panelStyles,
    css`
      .instance { cursor: pointer; }
      .different { color: var(--warning-color, #ffa600); font-weight: 500; }
      .values td { font-size: 13px; }
    `,
  ];

  constructor() {
    super();
    this._open = new Set();
    this._selected = new Set();
    this._results = {};
  }

  updated(changed) {
    if (changed.has("endpoint")) this._loadDevices();
  }

  async _loadDevices() {
    try {
      const { devices } = await call(this.hass, "lwm2m/devices");
      this._devices = devices.filter((row) => row.endpoint !== this.endpoint);
    } catch (error) {
      this._error = error.message;
    }
  }

  async _compare() {
    this._busy = true;
    this._error = undefined;
    this._results = {};
    this._selected = new Set();
    try {
      this._audit = await call(this.hass, "lwm2m/audit", { endpoint: this.endpoint, reference: this._reference });
    } catch (error) {
      this._error = error.message;
    } finally {
      this._busy = false;
    }
  }

  async _sync() {
    this._busy = true;
    try {
      const { results } = await call(this.hass, "lwm2m/audit/sync", {
        endpoint: this.endpoint, reference: this._reference, paths: [...this._selected] });
      this._results = Object.fromEntries(results.map((result) => [result.path, result]));
      const kept = this._results;
      await this._compareAgain();
      this._results = kept;
    } catch (error) {
      this._error = error.message;
    } finally {
      this._busy = false;
    }
  }

  async _compareAgain() {
    this._audit = await call(this.hass, "lwm2m/audit", {
      endpoint: this.endpoint, reference: this._reference, read: false });
    this._selected = new Set();
  }

  _toggle(set, key) {
    const copy = new Set(set);
    if (copy.has(key)) copy.delete(key); else copy.add(key);
    return copy;
  }

  _renderValues(instance) {
    return html`<tr class="values"><td colspan="4"><table>
      <tr><th></th><th>Resource</th><th>This device</th><th>${this._reference}</th><th>Sync result</th></tr>
      ${instance.values.map((row) => {
        const result = this._results[row.path];
        return html`<tr data-path=${row.path}>
          <td>${row.equal || !row.syncable ? "" : html`<input type="checkbox" aria-label="Sync ${row.path}"
            .checked=${this._selected.has(row.path)}
            @change=${() => { this._selected = this._toggle(this._selected, row.path); }} />`}</td>
          <td>${row.name} <span class="muted mono">${row.path}</span></td>
          <td class=${row.equal ? "" : "different"}>${formatValue(row.value)}</td>
          <td>${formatValue(row.reference)}</td>
          <td>${result ? html`<span class=${result.ok ? "ok" : "error"} data-result=${row.path}>${result.ok ? "Synced" : result.error}</span>` : ""}</td>
        </tr>`;
      })}
    </table></td></tr>`;
  }

  render() {
    const instances = this._audit?.instances ?? [];
    return html`<div class="card">
      <div class="card-header">Audit configuration</div>
      <div class="card-content">
        <div class="row">
          <label>Reference device
            <select aria-label="Reference device" @change=${(event) => { this._reference = event.target.value; }}>
              <option value="">Pick a device</option>
              ${(this._devices ?? []).map((row) => html`<option value=${row.endpoint}>${row.endpoint}${row.name && row.name !== row.endpoint ? ` (${row.name})` : ""}</option>`)}
            </select></label>
          <button class="primary" data-action="compare" ?disabled=${!this._reference || this._busy} @click=${this._compare}>Compare</button>
          <button data-action="sync" ?disabled=${this._selected.size === 0 || this._busy} @click=${this._sync}>Sync selected (${this._selected.size})</button>
          ${this._busy ? html`<span class="muted">Working…</span>` : ""}
        </div>
        ${this._error ? html`<div class="error">${this._error}</div>` : ""}
        ${this._audit?.problems?.length ? html`<div class="error">${this._audit.problems.join("; ")}</div>` : ""}
        ${this._audit
          ? html`<table style="margin-top: 12px">
              <tr><th>Instance</th><th>Object</th><th>Equal</th><th>Different</th></tr>
              ${instances.map((instance) => html`
                <tr class="instance" data-instance=${instance.path}
                  @click=${() => { this._open = this._toggle(this._open, instance.path); }}>
                  <td class="mono">${this._open.has(instance.path) ? "▾" : "▸"} ${instance.path}</td>
                  <td>${instance.name}</td>
                  <td>${instance.equal}</td>
                  <td class=${instance.different ? "different" : ""}>${instance.different}</td>
                </tr>
                ${this._open.has(instance.path) ? this._renderValues(instance) : ""}`)}
            </table>`
          : html`<p class="muted">Pick a reference device and compare: per object instance both devices have, the writable values that are equal and those that differ.</p>`}
      </div>
    </div>`;
  }
}

customElements.define("lwm2m-audit-tab", AuditTab);
