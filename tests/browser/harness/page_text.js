// What a screen shows, read through every shadow root: visible text lines, headings (and
// whether they are cut), list items and the blocks of rendered markdown.
(root) => {
  const start = root || document.querySelector("home-assistant");
  const visible = (el) => el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== "hidden";
  const result = { lines: [], headings: [], items: [], markdown: [] };
  const HEADING = /^(H[1-6])$/;
  const ITEM = /^(LI|MWC-LIST-ITEM|HA-LIST-ITEM|HA-MD-LIST-ITEM)$/;

  // Text as rendered: slotted nodes count where their slot is (a dialog's title).
  function flatText(node) {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    if (node.tagName === "SLOT") {
      return node.assignedNodes({ flatten: true }).map(flatText).join("");
    }
    const children = node.shadowRoot ? node.shadowRoot.childNodes : node.childNodes;
    return [...children].map(flatText).join("");
  }
  function linesOf(el) {
    return (el.innerText || "").split("\n").map((l) => l.trim()).filter((l) => l);
  }
  function markdownBlocks(host) {
    const blocks = [];
    const content = host.shadowRoot
      ? host.shadowRoot.querySelector("ha-markdown-element") || host.shadowRoot
      : host;
    for (const el of content.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, ul, ol")) {
      const tag = el.tagName.toLowerCase();
      if (tag === "ul" || tag === "ol") {
        blocks.push({ tag, text: "", items: el.querySelectorAll("li").length });
        continue;
      }
      blocks.push({ tag, text: (el.innerText || "").trim() });
    }
    return blocks;
  }
  function walk(node) {
    const children = [];
    if (node.shadowRoot) children.push(...node.shadowRoot.children);
    children.push(...node.children);
    for (const el of children) {
      const tag = el.tagName;
      if (tag === "STYLE" || tag === "SCRIPT" || tag === "TEMPLATE") continue;
      if (!visible(el)) {
        walk(el);  // display: contents and closed parts still hold visible children
        continue;
      }
      const takesSpace = el.getBoundingClientRect().height > 1;
      if ((HEADING.test(tag) || el.getAttribute("role") === "heading") && takesSpace) {
        result.headings.push({
          tag: tag.toLowerCase(),
          text: ((el.innerText || "").trim() || flatText(el).trim()),
          cut: el.scrollWidth > el.clientWidth + 1 &&
            getComputedStyle(el).textOverflow === "ellipsis",
        });
      }
      if (ITEM.test(tag)) result.items.push((el.innerText || "").trim());
      if (tag === "HA-MARKDOWN") result.markdown.push(markdownBlocks(el));
      for (const text of el.childNodes) {
        if (text.nodeType === Node.TEXT_NODE && text.textContent.trim()) {
          result.lines.push(text.textContent.trim());
        }
      }
      walk(el);
    }
  }
  walk(start);
  return result;
}
