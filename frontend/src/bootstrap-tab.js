// The Bootstrap tab: the device's bootstrap parameters (every column of the credentials
// CSV), keys write-only; saved under the CSV import's rules; "Bootstrap again".
import { LitElement, html, css } from "lit";
import { call } from "./api.js";
import { panelStyles } from "./styles.js";

class BootstrapTab extends LitElement {
  static properties = {
    hass: { attribute: false },
    endpoint: { type: String },
    _data: { state: true },
    _problems: { state: true },
    _message: { state: true },
    _error: { state: true },
  };

  static styles = [
    panelStyles,
    css`
      .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px 16px; }
      label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--secondary-text-color, #727272); }
      label .error { font-size: 12px; }
      .actions { display: flex; gap: 8px; margin-top: 16px; align-items: center; }
    `,
  ];

  updated(changed) {
    if (changed.has("endpoint")) this._load();
  }

  async _load() {
    try {
      this._data = await call(this.hass, "lwm2m/bootstrap", { endpoint: this.endpoint });
      this._problems = {};
    } catch (error) {
      this._error = error.message;
    }
  }

  async _save() {
    const changes = {};
    for (const input of this.renderRoot.querySelectorAll("[data-column]")) {
      const row = this._data.parameters.find((item) => item.column === input.dataset.column);
      if (row.write_only) {
        if (input.value !== "") changes[row.column] = input.value;
      } else if (input.value !== (row.value ?? "")) {
        changes[row.column] = input.value;
      }
    }
    this._message = undefined;
    this._error = undefined;
    try {
      const result = await call(this.hass, "lwm2m/bootstrap/update", { endpoint: this.endpoint, changes });
      if (!result.saved) {
        this._problems = Object.fromEntries(result.problems.map((problem) => [problem.column, problem.message]));
        this._error = "Nothing was saved: correct the marked fields.";
        return;
      }
      this._problems = {};
      this._data = { ...this._data, parameters: result.parameters, stored: true };
      for (const input of this.renderRoot.querySelectorAll("input[type=password]")) input.value = "";
      this._message = "Saved: the device gets these parameters on its next bootstrap.";
    } catch (error) {
      this._error = error.message;
    }
  }

  async _trigger() {
    this._message = undefined;
    this._error = undefined;
    try {
      const { path } = await call(this.hass, "lwm2m/bootstrap/trigger", { endpoint: this.endpoint });
      this._message = `Bootstrap-Request Trigger ${path} executed: the device bootstraps again.`;
    } catch (error) {
      this._error = error.message;
    }
  }

  _field(row) {
    const problem = this._problems?.[row.column];
    if (row.column === "endpoint id") {
      return html`<label>${row.column}<input .value=${row.value ?? ""} disabled /></label>`;
    }
    return html`<label>${row.column}
      ${row.write_only
        ? html`<input type="password" autocomplete="new-password" data-column=${row.column}
            aria-label=${row.column} placeholder=${row.set ? "•••••••• set (type to replace)" : "not set"} />`
        : html`<input data-column=${row.column} aria-label=${row.column} .value=${row.value ?? ""} />`}
      ${problem ? html`<span class="error" data-problem=${row.column}>${problem}</span>` : ""}
    </label>`;
  }

  render() {
    if (!this._data) return html`${this._error ? html`<div class="card"><div class="card-content error">${this._error}</div></div>` : ""}`;
    return html`<div class="card">
      <div class="card-header">Bootstrap parameters
        <span class="muted">${this._data.stored ? "from the credential store" : "not in the credential store yet"}</span></div>
      <div class="card-content">
        <div class="fields">${this._data.parameters.map((row) => this._field(row))}</div>
        <div class="actions">
          <button class="primary" data-action="save-bootstrap" @click=${this._save}>Save</button>
          ${this._data.trigger
            ? html`<button data-action="bootstrap-again" @click=${this._trigger}>Bootstrap again</button>`
            : html`<span class="muted">The device has no Bootstrap-Request Trigger (/1/x/9).</span>`}
        </div>
        ${this._message ? html`<div class="ok" data-message>${this._message}</div>` : ""}
        ${this._error ? html`<div class="error" data-error>${this._error}</div>` : ""}
      </div>
    </div>`;
  }
}

customElements.define("lwm2m-bootstrap-tab", BootstrapTab);
