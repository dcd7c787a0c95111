// How values, times and states read on the screen.

export const STATE_LABELS = {
  registered: "Registered",
  asleep: "Asleep",
  offline: "Offline",
  pending: "Pending",
};

export function formatTime(seconds) {
  if (seconds === null || seconds === undefined) return "never";
  return new Date(seconds * 1000).toLocaleString();
}

export function formatValue(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(formatValue).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

/** The tooltip of a resource: its description when the DDF has one, else its facts. */
export function resourceTooltip(resource) {
  const facts = [
    resource.type,
    `operations ${resource.operations || "none"}`,
    resource.multiple ? "multiple instances" : "single instance",
    resource.mandatory ? "mandatory" : "optional",
  ];
  if (resource.units) facts.push(`unit ${resource.units}`);
  if (resource.range) facts.push(`range ${resource.range}`);
  const summary = facts.join(" · ");
  return resource.description ? `${resource.description}\n\n${summary}` : summary;
}

export const OPERATION_LABELS = {
  read: "Read",
  write: "Write",
  execute: "Execute",
  observe: "Observe",
  cancel_observation: "Cancel observation",
  write_attributes: "Write attributes",
  discover: "Discover",
  create: "Create",
  delete: "Delete",
  read_composite: "Read composite",
  observe_composite: "Observe composite",
  write_composite: "Write composite",
};

export function operationLabel(operation) {
  return OPERATION_LABELS[operation] ?? operation;
}
