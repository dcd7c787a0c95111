// The Shell tab: the device shell's commands (the lwm2m.command syntax), with a history
// (arrow keys) and completion of paths (Tab).
import { LitElement, html, css } from "lit";
import { call } from "./api.js";
import { panelStyles } from "./styles.js";

const COMMANDS = ["read", "write", "execute", "observe", "cancelobservation", "discover",
  "create", "delete", "writeattr", "fwupdate"];
const KEPT = 100;

/** Every path of the device's object tree: /o, /o/i and /o/i/r. */
export function treePaths(objects) {
  const paths = [];
  for (const object of objects ?? []) {
    paths.push(`/${object.id}`);
    for (const instance of object.instances) {
      paths.push(`/${object.id}/${instance}`);
      for (const resource of object.resources) paths.push(`/${object.id}/${instance}/${resource.id}`);
    }
  }
  return paths;
}

/** The longest text every candidate starts with. */
function commonPrefix(candidates) {
  return candidates.reduce((prefix, text) => {
    let length = 0;
    while (length < prefix.length && prefix[length] === text[length]) length += 1;
    return prefix.slice(0, length);
  });
}

class ShellTab extends LitElement {
  static properties = {
    hass: { attribute: false },
    endpoint: { type: String },
    objects: { attribute: false },
    _lines: { state: true },
    _hint: { state: true },
    _running: { state: true },
  };

  static styles = [
    panelStyles,
    css`
      .output { font-family: var(--code-font-family, monospace); white-space: pre-wrap; min-height: 200px; max-height: 50vh; overflow-y: auto; padding: 8px; background: var(--code-editor-background-color, var(--secondary-background-color, #f5f5f5)); border-radius: 8px; }
      .command { color: var(--primary-color, #03a9f4); }
      .prompt { display: flex; gap: 8px; margin-top: 8px; }
      .prompt input { flex: 1; font-family: var(--code-font-family, monospace); }
    `,
  ];

  constructor() {
    super();
    this._lines = [];
    this._position = -1;
  }

  get _storageKey() {
    return `lwm2m-shell-history:${this.endpoint}`;
  }

  _history() {
    try {
      return JSON.parse(window.localStorage.getItem(this._storageKey) ?? "[]");
    } catch {
      return [];
    }
  }

  _remember(command) {
    const kept = this._history().filter((item) => item !== command);
    kept.push(command);
    window.localStorage.setItem(this._storageKey, JSON.stringify(kept.slice(-KEPT)));
  }

  async _run(input) {
    const command = input.value.trim();
    if (!command) return;
    input.value = "";
    this._position = -1;
    this._hint = undefined;
    this._remember(command);
    this._lines = [...this._lines, { kind: "command", text: `> ${command}` }];
    this._running = true;
    try {
      const result = await call(this.hass, "lwm2m/shell", { endpoint: this.endpoint, command });
      if (result?.values) {
        this.dispatchEvent(new CustomEvent("values-learnt", { detail: result.values, bubbles: true, composed: true }));
      }
      this._lines = [...this._lines, { kind: "ok", text: JSON.stringify(result, null, 2) }];
    } catch (error) {
      this._lines = [...this._lines, { kind: "error", text: error.message }];
    } finally {
      this._running = false;
    }
    await this.updateComplete;
    const output = this.renderRoot.querySelector(".output");
    output.scrollTop = output.scrollHeight;
  }

  _complete(input) {
    const text = input.value;
    const words = text.split(" ");
    const last = words[words.length - 1];
    const candidates = words.length === 1
      ? COMMANDS.filter((command) => command.startsWith(last))
      : treePaths(this.objects).filter((path) => path.startsWith(last));
    if (candidates.length === 0) {
      this._hint = "No completion";
      return;
    }
    const completed = candidates.length === 1 ? candidates[0] + (words.length === 1 ? " " : "") : commonPrefix(candidates);
    words[words.length - 1] = completed;
    input.value = words.join(" ");
    this._hint = candidates.length > 1 ? candidates.slice(0, 20).join("  ") + (candidates.length > 20 ? "  …" : "") : undefined;
  }

  _recall(input, step) {
    const history = this._history();
    if (history.length === 0) return;
    const position = this._position === -1 ? history.length : this._position;
    const next = Math.min(history.length, Math.max(0, position + step));
    this._position = next === history.length ? -1 : next;
    input.value = next === history.length ? "" : history[next];
  }

  _key(event) {
    const input = event.target;
    if (event.key === "Enter") this._run(input);
    else if (event.key === "Tab") { event.preventDefault(); this._complete(input); }
    else if (event.key === "ArrowUp") { event.preventDefault(); this._recall(input, -1); }
    else if (event.key === "ArrowDown") { event.preventDefault(); this._recall(input, 1); }
  }

  render() {
    return html`<div class="card">
      <div class="card-header">Shell <span class="muted">read /3/0/0 · write /3303/0/5750 Kitchen · execute /3/0/4 · writeattr /3303/0/5700 pmin=10&amp;pmax=60 · Tab completes, ↑↓ recall</span></div>
      <div class="card-content">
        <div class="output" role="log">${this._lines.length === 0
          ? html`<span class="muted">Type a command below.</span>`
          : this._lines.map((line) => html`<div class=${line.kind}>${line.text}</div>`)}</div>
        <div class="prompt">
          <input aria-label="Shell command" placeholder="command /path [value]" autocomplete="off"
            spellcheck="false" @keydown=${this._key} ?disabled=${this._running} />
          <button class="primary" @click=${(event) => this._run(event.target.previousElementSibling)}>Run</button>
        </div>
        ${this._hint ? html`<div class="muted mono" data-hint>${this._hint}</div>` : ""}
      </div>
    </div>`;
  }
}

customElements.define("lwm2m-shell-tab", ShellTab);
