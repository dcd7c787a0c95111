// The Objects tab: every object, instance and resource the device lists, with the
// operations each allows.
import { LitElement, html, css } from "lit";
import { call } from "./api.js";
import { formatValue, resourceTooltip } from "./format.js";
import { panelStyles } from "./styles.js";

const ATTRIBUTES = ["pmin", "pmax", "gt", "lt", "st"];

function allows(resource, operation) {
  return (resource.operations || "").includes(operation);
}

/** Text typed into a field, as the value a write sends (lists for multiple resources). */
function typed(resource, text) {
  if (resource.multiple) {
    const trimmed = text.trim();
    if (trimmed.startsWith("[")) return JSON.parse(trimmed);
    return trimmed === "" ? [] : trimmed.split(",").map((item) => item.trim());
  }
  return text;
}

function inputType(resource) {
  if (resource.multiple) return "text";
  return ["Integer", "Unsigned Integer", "Float"].includes(resource.type) ? "number" : "text";
}

class ObjectsTab extends LitElement {
  static properties = {
    hass: { attribute: false },
    endpoint: { type: String },
    objects: { attribute: false },
    values: { attribute: false },
    observed: { attribute: false },
    _form: { state: true },
    _status: { state: true },
    _busy: { state: true },
  };

  static styles = [
    panelStyles,
    css`
      .instance { margin: 8px 0 16px; }
      .instance-header { display: flex; gap: 8px; align-items: center; padding: 4px 0; font-weight: 500; }
      td.name { width: 28%; }
      td.value { width: 22%; word-break: break-all; }
      td.actions { text-align: right; }
      td.actions button { margin: 2px; }
      .form { background: var(--secondary-background-color, #f5f5f5); padding: 8px; border-radius: 8px; }
      .form label { display: inline-flex; flex-direction: column; font-size: 12px; margin-right: 8px; }
      .form input { width: 110px; }
      .status { font-size: 12px; }
      [title] { text-decoration: underline dotted var(--divider-color, #ccc); }
      .observed { color: var(--success-color, #43a047); font-size: 12px; }
    `,
  ];

  constructor() {
    super();
    this._status = {};
    this._busy = {};
  }

  async _run(key, action) {
    this._busy = { ...this._busy, [key]: true };
    const started = performance.now();
    try {
      const message = await action();
      this._status = { ...this._status, [key]: { ok: true, text: message ?? "Done" } };
      return true;
    } catch (error) {
      this._status = { ...this._status, [key]: { ok: false, text: error.message } };
      return false;
    } finally {
      this._busy = { ...this._busy, [key]: false };
      this._lastDuration = performance.now() - started;
    }
  }

  _learnt(values) {
    this.dispatchEvent(new CustomEvent("values-learnt", { detail: values, bubbles: true, composed: true }));
  }

  _request(type, path, fields = {}) {
    return call(this.hass, type, { endpoint: this.endpoint, path, ...fields });
  }

  _read(path) {
    return this._run(path, async () => {
      const { values } = await this._request("lwm2m/read", path);
      this._learnt(values);
      return "Read";
    });
  }

  _write(path, resource, text) {
    return this._run(path, async () => {
      const { values } = await this._request("lwm2m/write", path, { value: typed(resource, text) });
      this._learnt(values);
      this._form = undefined;
      return "Written";
    });
  }

  _execute(path, args) {
    return this._run(path, async () => {
      await this._request("lwm2m/execute", path, args ? { arguments: args } : {});
      this._form = undefined;
      return "Executed";
    });
  }

  _observe(path, observe) {
    return this._run(path, async () => {
      await this._request(observe ? "lwm2m/observe" : "lwm2m/cancel_observation", path);
      this.dispatchEvent(new CustomEvent("observed-changed", {
        detail: { path, observed: observe }, bubbles: true, composed: true }));
      return observe ? "Observing" : "Observation cancelled";
    });
  }

  _writeAttributes(path, form) {
    const fields = {};
    for (const name of ATTRIBUTES) {
      const text = form.querySelector(`[name=${name}]`).value.trim();
      if (text !== "") fields[name] = name.startsWith("p") ? parseInt(text, 10) : parseFloat(text);
    }
    return this._run(path, async () => {
      await this._request("lwm2m/write_attributes", path, fields);
      this._form = undefined;
      return `Attributes written (${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(", ")})`;
    });
  }

  _create(object, form) {
    const path = `/${object.id}`;
    const values = {};
    for (const input of form.querySelectorAll("[data-resource]")) {
      if (input.value.trim() !== "") values[input.dataset.resource] = input.value;
    }
    const instance = form.querySelector("[name=instance]").value.trim();
    return this._run(path, async () => {
      const { path: created } = await this._request(
        "lwm2m/create", instance ? `${path}/${instance}` : path, { values });
      this._form = undefined;
      this.dispatchEvent(new CustomEvent("tree-changed", { bubbles: true, composed: true }));
      return `Created ${created}`;
    });
  }

  _delete(path) {
    if (!window.confirm(`Delete ${path} on ${this.endpoint}?`)) return undefined;
    return this._run(path, async () => {
      await this._request("lwm2m/delete", path);
      this.dispatchEvent(new CustomEvent("tree-changed", { bubbles: true, composed: true }));
      return `Deleted ${path}`;
    });
  }

  _status_of(key) {
    const status = this._status[key];
    if (this._busy[key]) return html`<span class="status muted">…</span>`;
    if (!status) return "";
    return html`<div class="status ${status.ok ? "ok" : "error"}" data-status=${key}>${status.text}</div>`;
  }

  _value(path, resource) {
    if (!resource.multiple) return this.values[path];
    const prefix = `${path}/`;
    const items = Object.entries(this.values).filter(([key]) => key.startsWith(prefix));
    return items.length ? items.map(([key, value]) => `${key.slice(prefix.length)}: ${formatValue(value)}`).join(", ") : undefined;
  }

  _renderForm(path, resource) {
    const form = this._form;
    if (!form || form.path !== path) return "";
    const cancel = html`<button @click=${() => { this._form = undefined; }}>Cancel</button>`;
    if (form.kind === "write") {
      const current = formatValue(this._value(path, resource) ?? "");
      return html`<tr><td colspan="4"><div class="form row">
        ${resource.type === "Boolean" && !resource.multiple
          ? html`<select name="value" aria-label="New value of ${path}">
              <option value="true">true</option><option value="false">false</option></select>`
          : html`<input name="value" class="grow" type=${inputType(resource)} step="any"
              aria-label="New value of ${path}" .value=${current}
              placeholder=${resource.multiple ? "values, comma-separated" : resource.type} />`}
        <button class="primary" data-action="save"
          @click=${(event) => this._write(path, resource, event.target.closest(".form").querySelector("[name=value]").value)}>Write</button>
        ${cancel}</div></td></tr>`;
    }
    if (form.kind === "execute") {
      return html`<tr><td colspan="4"><div class="form row">
        <input name="arguments" class="grow" aria-label="Arguments for ${path}" placeholder="arguments (optional), e.g. 0='value'" />
        <button class="primary" data-action="run"
          @click=${(event) => this._execute(path, event.target.closest(".form").querySelector("[name=arguments]").value.trim())}>Execute</button>
        ${cancel}</div></td></tr>`;
    }
    return html`<tr><td colspan="4"><div class="form row">
      ${ATTRIBUTES.map((name) => html`<label>${name}<input name=${name} type="number" step="any" aria-label="${name} of ${path}" /></label>`)}
      <button class="primary" data-action="write-attributes"
        @click=${(event) => this._writeAttributes(path, event.target.closest(".form"))}>Write attributes</button>
      ${cancel}</div></td></tr>`;
  }

  _renderResource(object, instance, resource) {
    const path = `/${object.id}/${instance}/${resource.id}`;
    const observed = this.observed?.includes(path);
    const open = (kind) => { this._form = { path, kind }; };
    return html`<tr data-path=${path}>
        <td class="name"><span title=${resourceTooltip(resource)}>${resource.name}</span>
          <div class="muted mono">${path}</div></td>
        <td class="value"><span data-value=${path}>${formatValue(this._value(path, resource))}</span>
          ${resource.units ? html`<span class="muted">${resource.units}</span>` : ""}
          ${observed ? html`<div class="observed">observed</div>` : ""}</td>
        <td>${this._status_of(path)}</td>
        <td class="actions">
          ${allows(resource, "R") ? html`<button data-action="read" @click=${() => this._read(path)}>Read</button>` : ""}
          ${allows(resource, "W") ? html`<button data-action="write" @click=${() => open("write")}>Write</button>` : ""}
          ${allows(resource, "E") ? html`<button data-action="execute" @click=${() => open("execute")}>Execute</button>` : ""}
          ${allows(resource, "R")
            ? html`${observed
                ? html`<button data-action="cancel-observation" @click=${() => this._observe(path, false)}>Cancel observation</button>`
                : html`<button data-action="observe" @click=${() => this._observe(path, true)}>Observe</button>`}
              <button data-action="attributes" @click=${() => open("attributes")}>Attributes</button>`
            : ""}
        </td>
      </tr>${this._renderForm(path, resource)}`;
  }

  _renderCreate(object) {
    if (!this._form || this._form.path !== `/${object.id}` || this._form.kind !== "create") return "";
    const writable = object.resources.filter((resource) => allows(resource, "W") && !resource.multiple);
    return html`<div class="form" data-create=${object.id}>
      <div class="row">
        <label>Instance id<input name="instance" type="number" min="0" placeholder="next free" /></label>
        ${writable.map((resource) => html`<label title=${resourceTooltip(resource)}>
          ${resource.name}${resource.mandatory ? " *" : ""}
          <input data-resource=${resource.id} type=${inputType(resource)} step="any" aria-label=${resource.name} /></label>`)}
      </div>
      <div class="row" style="margin-top: 8px">
        <button class="primary" data-action="create-save" @click=${(event) => this._create(object, event.target.closest(".form"))}>Create</button>
        <button @click=${() => { this._form = undefined; }}>Cancel</button>
      </div>
    </div>`;
  }

  /** An object without a definition: its resources are those with known values. */
  _knownResources(object, instance) {
    if (object.resources.length) return object.resources;
    const prefix = `/${object.id}/${instance}/`;
    const ids = new Set(Object.keys(this.values)
      .filter((key) => key.startsWith(prefix))
      .map((key) => Number(key.slice(prefix.length).split("/")[0])));
    return [...ids].sort((a, b) => a - b).map((id) => ({
      id, name: `Resource ${id}`, type: "", operations: "RWE", multiple: false,
      mandatory: false, units: "", range: "", description: "No object definition: read, write and execute are offered.",
    }));
  }

  _renderObject(object) {
    const objectPath = `/${object.id}`;
    return html`<div class="card" data-object=${object.id}>
      <div class="card-header">
        <span title=${object.description || `Object ${object.id}${object.version ? ` version ${object.version}` : ""}`}>${object.name}</span>
        <span class="muted mono">${objectPath}${object.version ? ` v${object.version}` : ""}</span>
        <span class="grow"></span>
        ${this._status_of(objectPath)}
        ${object.protected ? "" : html`<button data-action="read-object" @click=${() => this._read(objectPath)}>Read object</button>`}
        ${object.multiple && !object.protected
          ? html`<button data-action="create" @click=${() => { this._form = { path: objectPath, kind: "create" }; }}>Create instance</button>`
          : ""}
      </div>
      <div class="card-content">
        ${this._renderCreate(object)}
        ${object.instances.length === 0 ? html`<div class="muted">No instances</div>` : ""}
        ${object.instances.map((instance) => {
          const path = `${objectPath}/${instance}`;
          return html`<div class="instance" data-instance=${path}>
            <div class="instance-header">
              <span class="mono">${path}</span>
              <span class="grow"></span>
              ${this._status_of(path)}
              ${object.protected ? "" : html`<button data-action="read-instance" @click=${() => this._read(path)}>Read instance</button>`}
              ${object.protected || object.mandatory && !object.multiple ? "" : html`<button class="danger" data-action="delete" @click=${() => this._delete(path)}>Delete instance</button>`}
            </div>
            ${object.protected
              ? html`<div class="muted">Holds credentials: not shown.</div>`
              : html`<table>${this._knownResources(object, instance).map((resource) => this._renderResource(object, instance, resource))}</table>`}
            ${object.resources.length === 0 && this._knownResources(object, instance).length === 0
              ? html`<div class="muted">No definition of this object: read the instance to see its resources.</div>` : ""}
          </div>`;
        })}
      </div>
    </div>`;
  }

  render() {
    if (!this.objects?.length) return html`<div class="card"><div class="card-content muted">The device lists no objects.</div></div>`;
    return html`${this.objects.map((object) => this._renderObject(object))}`;
  }
}

customElements.define("lwm2m-objects-tab", ObjectsTab);
