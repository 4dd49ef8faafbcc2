import type { VNode } from "preact";

// Test support only: no page imports it.

/**
 * Renders a tree of hook-free components to HTML, as the browser would get it: function components
 * are called with their props, elements written with their attributes (event handlers left out).
 */
export function render(node: unknown): string {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number") return escape(String(node));
  if (Array.isArray(node)) return node.map(render).join("");
  const vnode = node as VNode<Record<string, unknown>>;
  if (typeof vnode.type === "function") {
    return render((vnode.type as (props: unknown) => unknown)(vnode.props));
  }
  const { children, ...props } = vnode.props;
  const attributes = Object.entries(props)
    .filter(([name, value]) => value !== undefined && value !== null && value !== false && typeof value !== "function")
    .filter(([name]) => name !== "key")
    .map(([name, value]) => {
      const text =
        typeof value === "object"
          ? Object.entries(value as Record<string, unknown>)
              .map(([k, v]) => `${k}: ${v}`)
              .join("; ")
          : String(value);
      return ` ${name === "className" ? "class" : name}="${escape(text)}"`;
    })
    .join("");
  return `<${vnode.type}${attributes}>${render(children)}</${vnode.type}>`;
}

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
