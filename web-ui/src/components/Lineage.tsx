import { useEffect, useRef, useState } from "preact/hooks";
import type { LineageEdge } from "../lib/api";
import { href } from "../lib/router";

const NODE_H = 44;
const GAP_X = 90;
const GAP_Y = 16;
/** Below this width the graph is drawn as a tree, top to bottom, so that its labels stay legible. */
const NARROW = 560;

/** How each relation reads from the version's side: [from its parents, into its children]. */
const RELATIONS: Record<string, [string, string]> = {
  distilled: ["distilled from", "distilled into"],
  transferred: ["transferred from", "transferred into"],
  combined: ["combined from", "combined into"],
};

/** What an edge to a learnware the caller may not read (no `learnware`) is called. */
export const PRIVATE_LEARNWARE = "a private learnware";

/** A node's label: the version it names, or "a private learnware". */
export const edgeLabel = (edge: LineageEdge) => edge.learnware || PRIVATE_LEARNWARE;

/**
 * The lineage as sentences, one per relation and direction: "combined from a@1, b@1", "distilled into
 * c@1". Parents first, in the order the market lists them. A version the caller may not read is null.
 */
export function lineageSummary(
  parents: LineageEdge[],
  children: LineageEdge[],
): { label: string; versions: (string | null)[] }[] {
  const lines: { label: string; versions: (string | null)[] }[] = [];
  const add = (edges: LineageEdge[], side: 0 | 1) => {
    for (const edge of edges) {
      const label = RELATIONS[edge.relation]?.[side] ?? `${edge.relation} ${side === 0 ? "from" : "into"}`;
      const line = lines.find((l) => l.label === label);
      if (line) line.versions.push(edge.learnware || null);
      else lines.push({ label, versions: [edge.learnware || null] });
    }
  };
  add(parents, 0);
  add(children, 1);
  return lines;
}

interface Node {
  edge: LineageEdge;
  role: "parent" | "self" | "child";
}

/**
 * Parents, this version and its children as a graph (SVG): three columns on wide screens, an indented
 * tree on narrow ones. Each node is a link to its version; edges carry the relation (distilled,
 * transferred, combined: an ensemble and the members it pins).
 */
export function LineageGraph({
  self,
  parents,
  children,
}: {
  self: string;
  parents: LineageEdge[];
  children: LineageEdge[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const nodes: Node[] = [
    ...parents.map((edge) => ({ edge, role: "parent" as const })),
    { edge: { learnware: self, relation: "" }, role: "self" as const },
    ...children.map((edge) => ({ edge, role: "child" as const })),
  ];
  const summary = lineageSummary(parents, children);
  return (
    <div class="lineage" ref={box}>
      {summary.length > 0 && (
        <ul class="lineage-summary">
          {summary.map((line) => (
            <li key={line.label}>
              <span class="muted">{line.label}</span>{" "}
              {line.versions.map((learnware, i) => (
                <span key={i}>
                  {i > 0 && ", "}
                  {learnware ? <a href={href.ref(learnware)}>{learnware}</a> : PRIVATE_LEARNWARE}
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}
      {width < NARROW ? <Tree nodes={nodes} self={self} width={width - 34} /> : <Columns nodes={nodes} self={self} />}
      {parents.length + children.length === 0 ? (
        <p class="muted">
          No parents or children yet: distil or transfer this version, or publish an ensemble with it, to make some.
        </p>
      ) : null}
    </div>
  );
}

function title(self: string, nodes: Node[]) {
  const parents = nodes.filter((n) => n.role === "parent").length;
  const children = nodes.filter((n) => n.role === "child").length;
  return `Lineage of ${self}: ${parents} parent(s), ${children} child(ren)`;
}

function NodeBox({
  node,
  x,
  y,
  w,
  h,
  subtitle,
}: {
  node: Node;
  x: number;
  y: number;
  w: number;
  h: number;
  subtitle?: string;
}) {
  const isSelf = node.role === "self";
  const hidden = !node.edge.learnware;
  return (
    <a
      href={isSelf || hidden ? undefined : href.ref(node.edge.learnware!)}
      class={isSelf ? "node self" : hidden ? "node private" : "node"}
    >
      <rect x={x} y={y} width={w} height={h} rx="10" />
      <text x={x + w / 2} y={subtitle ? y + h / 2 - 2 : y + h / 2 + 5} text-anchor="middle">
        {edgeLabel(node.edge)}
      </text>
      {subtitle && (
        <text x={x + w / 2} y={y + h / 2 + 15} text-anchor="middle" class="node-subtitle">
          {subtitle}
        </text>
      )}
    </a>
  );
}

function Columns({ nodes, self }: { nodes: Node[]; self: string }) {
  const longest = Math.max(...nodes.map((n) => edgeLabel(n.edge).length));
  const nodeW = Math.min(420, Math.max(180, longest * 8 + 28));
  const columns = (["parent", "self", "child"] as const)
    .map((role) => nodes.filter((n) => n.role === role))
    .filter((column) => column.length);
  const selfColumn = columns.findIndex((column) => column[0].role === "self");
  const rows = Math.max(...columns.map((column) => column.length));
  const width = columns.length * nodeW + (columns.length - 1) * GAP_X;
  const height = rows * NODE_H + (rows - 1) * GAP_Y + 8;
  const position = (column: number, row: number, count: number) => ({
    x: column * (nodeW + GAP_X),
    y: 4 + (height - 8 - (count * NODE_H + (count - 1) * GAP_Y)) / 2 + row * (NODE_H + GAP_Y),
  });
  const center = position(selfColumn, 0, 1);
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="group"
      aria-labelledby="lineage-title"
      style={{ maxWidth: "100%", height: "auto" }}
    >
      <title id="lineage-title">{title(self, nodes)}</title>
      <Arrow />
      {columns.map((column, columnIndex) =>
        column.map((node, row) => {
          const at = position(columnIndex, row, column.length);
          const before = node.role === "parent";
          const from = before
            ? { x: at.x + nodeW, y: at.y + NODE_H / 2 }
            : { x: center.x + nodeW, y: center.y + NODE_H / 2 };
          const to = before ? { x: center.x, y: center.y + NODE_H / 2 } : { x: at.x, y: at.y + NODE_H / 2 };
          const mid = (from.x + to.x) / 2;
          return (
            <g key={`${node.role}-${row}`}>
              {node.role !== "self" && (
                <g class="edge">
                  <path
                    d={`M ${from.x} ${from.y} C ${mid} ${from.y}, ${mid} ${to.y}, ${to.x - 2} ${to.y}`}
                    fill="none"
                    stroke="currentColor"
                    marker-end="url(#arrow)"
                  />
                  <text x={mid} y={(from.y + to.y) / 2 - 6} text-anchor="middle" class="edge-label">
                    {node.edge.relation}
                  </text>
                </g>
              )}
              <NodeBox node={node} x={at.x} y={at.y} w={nodeW} h={NODE_H} />
            </g>
          );
        }),
      )}
    </svg>
  );
}

/** Narrow screens: one node per row, indented by generation, edges in the left gutter. */
function Tree({ nodes, self, width }: { nodes: Node[]; self: string; width: number }) {
  const indent = 22;
  const gutter = 12;
  const rowH = 52;
  const gap = 14;
  const depth = (node: Node) =>
    node.role === "parent"
      ? 0
      : node.role === "self"
        ? nodes[0].role === "parent"
          ? 1
          : 0
        : nodes[0].role === "parent"
          ? 2
          : 1;
  const maxDepth = Math.max(...nodes.map(depth));
  const nodeW = Math.max(160, width - gutter - maxDepth * indent);
  const height = nodes.length * (rowH + gap);
  const selfIndex = nodes.findIndex((n) => n.role === "self");
  const at = (index: number) => ({ x: gutter + depth(nodes[index]) * indent, y: index * (rowH + gap) + 2 });
  const selfAt = at(selfIndex);
  const total = gutter + maxDepth * indent + nodeW + 2;
  return (
    <svg
      viewBox={`0 0 ${total} ${height}`}
      width={total}
      height={height}
      role="group"
      aria-labelledby="lineage-title"
      style={{ maxWidth: "100%", height: "auto" }}
    >
      <title id="lineage-title">{title(self, nodes)}</title>
      <Arrow />
      {nodes.map((node, index) => {
        const p = at(index);
        const [from, to] = node.role === "parent" ? [p, selfAt] : [selfAt, p];
        const rail = from.x - 8;
        return (
          <g key={`${node.role}-${index}`}>
            {node.role !== "self" && (
              <path
                class="edge"
                d={`M ${from.x} ${from.y + rowH / 2} H ${rail} V ${to.y + rowH / 2} H ${to.x - 2}`}
                fill="none"
                stroke="currentColor"
                marker-end="url(#arrow)"
              />
            )}
            <NodeBox
              node={node}
              x={p.x}
              y={p.y}
              w={nodeW}
              h={rowH}
              subtitle={
                node.role === "parent"
                  ? `parent · ${node.edge.relation}`
                  : node.role === "child"
                    ? `child · ${node.edge.relation}`
                    : "this version"
              }
            />
          </g>
        );
      })}
    </svg>
  );
}

function Arrow() {
  return (
    <defs>
      <marker
        id="arrow"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        orient="auto-start-reverse"
      >
        <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
      </marker>
    </defs>
  );
}
