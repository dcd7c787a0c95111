// The Operations tab: requests waiting for a sleeping device (each cancellable) and the
// history of the operations users asked for.
import { LitElement, html } from "lit";
import { call } from "./api.js";
import { formatDuration, formatTime, operationLabel } from "./format.js";
import { panelStyles } from "./styles.js";

class OperationsTab extends LitElement {
  static properties = {
    hass: { attribute: false },
    endpoint: { type: String },
    changes: { attribute: false },
    _requests: { state: true },
    _history: { state: true },
    _error: { state: true },
  };

  static styles = panelStyles;

  updated(changed) {
    if (changed.has("endpoint")) {
      this._loadRequests();
      this._loadHistory();
      return;
    }
    const before = changed.get("changes");
    if (before && before.requests !== this.changes.requests) this._loadRequests();
    if (before && before.history !== this.changes.history) this._loadHistory();
  }

  async _loadRequests() {
    try {
      this._requests = (await call(this.hass, "lwm2m/requests", { endpoint: this.endpoint })).requests;
    } catch (error) {
      this._error = error.message;
    }
  }

  async _loadHistory() {
    try {
      this._history = (await call(this.hass, "lwm2m/history", { endpoint: this.endpoint })).history;
    } catch (error) {
      this._error = error.message;
    }
  }

  async _cancel(id) {
    try {
      await call(this.hass, "lwm2m/requests/cancel", { endpoint: this.endpoint, request_id: id });
      this._error = undefined;
    } catch (error) {
      this._error = error.message;
    }
    this._loadRequests();
  }

  render() {
    const requests = this._requests ?? [];
    const history = this._history ?? [];
    return html`
      ${this._error ? html`<div class="card"><div class="card-content error">${this._error}</div></div>` : ""}
      <div class="card" data-section="pending">
        <div class="card-header">Pending requests</div>
        <div class="card-content">
          ${requests.length === 0
            ? html`<div class="muted">Nothing waits for this device.</div>`
            : html`<table>
                <tr><th>Queued</th><th>Operation</th><th>Path</th><th>Waiting for</th><th></th></tr>
                ${requests.map((request) => html`<tr data-request=${request.id}>
                  <td>${formatTime(request.queued_at)}</td>
                  <td>${operationLabel(request.operation)}</td>
                  <td class="mono">${request.path}</td>
                  <td class="muted">${request.awaited ? "a user" : "restored after a restart"}</td>
                  <td><button class="danger" data-action="cancel-request" @click=${() => this._cancel(request.id)}>Cancel</button></td>
                </tr>`)}
              </table>`}
        </div>
      </div>
      <div class="card" data-section="history">
        <div class="card-header">History <span class="muted">(the last 1,000 operations)</span></div>
        <div class="card-content">
          ${history.length === 0
            ? html`<div class="muted">No operations yet.</div>`
            : html`<table>
                <tr><th>Time</th><th>Operation</th><th>Path</th><th>Result</th><th>Duration</th><th>User</th></tr>
                ${history.map((entry) => html`<tr>
                  <td>${formatTime(entry.time)}</td>
                  <td>${operationLabel(entry.operation)}</td>
                  <td class="mono">${entry.path}</td>
                  <td class=${entry.result.startsWith("2.") ? "ok" : entry.result === "pending" ? "muted" : "error"}>${entry.result}</td>
                  <td>${formatDuration(entry.duration)}</td>
                  <td>${entry.user ?? html`<span class="muted">Home Assistant</span>`}</td>
                </tr>`)}
              </table>`}
        </div>
      </div>`;
  }
}

customElements.define("lwm2m-operations-tab", OperationsTab);
