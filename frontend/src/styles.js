// Home Assistant's look: its theme variables (dark mode follows), with fallbacks.
import { css } from "lit";

export const panelStyles = css`
  :host {
    display: block;
    color: var(--primary-text-color, #212121);
    background: var(--primary-background-color, #fafafa);
    font-family: var(--paper-font-body1_-_font-family, Roboto, "Noto Sans", sans-serif);
    font-size: 14px;
    min-height: 100%;
  }
  .card {
    background: var(--ha-card-background, var(--card-background-color, #fff));
    border-radius: var(--ha-card-border-radius, 12px);
    border: var(--ha-card-border-width, 1px) solid var(--ha-card-border-color, var(--divider-color, #e0e0e0));
    box-shadow: var(--ha-card-box-shadow, none);
    margin: 0 0 16px;
    overflow: hidden;
  }
  .card-header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 16px;
    font-size: 16px;
    font-weight: 500;
    border-bottom: 1px solid var(--divider-color, #e0e0e0);
  }
  .card-content { padding: 12px 16px; }
  button {
    font: inherit;
    color: var(--primary-color, #03a9f4);
    background: transparent;
    border: 1px solid var(--primary-color, #03a9f4);
    border-radius: 18px;
    padding: 4px 12px;
    cursor: pointer;
    white-space: nowrap;
  }
  button.primary { background: var(--primary-color, #03a9f4); color: var(--text-primary-color, #fff); }
  button.danger { color: var(--error-color, #db4437); border-color: var(--error-color, #db4437); }
  button:disabled { opacity: 0.5; cursor: default; }
  input, select, textarea {
    font: inherit;
    color: var(--primary-text-color, #212121);
    background: var(--input-fill-color, var(--secondary-background-color, #f5f5f5));
    border: 1px solid var(--input-idle-line-color, var(--divider-color, #ccc));
    border-radius: 4px;
    padding: 6px 8px;
  }
  input:focus, select:focus, textarea:focus { outline: 2px solid var(--primary-color, #03a9f4); }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--divider-color, #e0e0e0); vertical-align: middle; }
  th { color: var(--secondary-text-color, #727272); font-weight: 500; }
  .muted { color: var(--secondary-text-color, #727272); }
  .error { color: var(--error-color, #db4437); }
  .ok { color: var(--success-color, #43a047); }
  .badge { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 500; color: #fff; }
  .badge.registered { background: var(--success-color, #43a047); }
  .badge.asleep { background: var(--info-color, #039be5); }
  .badge.offline { background: var(--disabled-text-color, #9e9e9e); }
  .badge.pending { background: var(--warning-color, #ffa600); }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 8px;
    height: var(--header-height, 56px);
    padding: 0 12px;
    background: var(--app-header-background-color, var(--primary-color, #03a9f4));
    color: var(--app-header-text-color, #fff);
    font-size: 20px;
  }
  .toolbar button { color: inherit; border-color: transparent; font-size: 20px; }
  .content { padding: 16px; max-width: 1400px; margin: 0 auto; box-sizing: border-box; }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  .grow { flex: 1; }
  code, .mono { font-family: var(--code-font-family, monospace); }
`;
