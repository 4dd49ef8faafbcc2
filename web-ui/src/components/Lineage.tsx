import type { LineageEdge } from "../lib/api";
import { href } from "../lib/router";

const NODE_H = 44;
const GAP_X = 90;
const GAP_Y = 16;

/**
 * Parents, this version and its children as a three-column graph (SVG), each node a link to its
 * version. Edges are labelled with the relation (distilled, transferred).
 */
export function LineageGraph({ self, parents, children }: { self: string; parents: LineageEdge[]; children: LineageEdge[] }) {
  const longest = Math.max(self.length, ...parents.map((e) => e.learnware.length), ...children.map((e) => e.learnware.length));
  const NODE_W = Math.min(420, Math.max(180, longest * 8 + 28));
  const columns = [parents, [{ learnware: self, relation: "" } as LineageEdge], children].filter((column, index) => index === 1 || column.length);
  const selfColumn = parents.length ? 1 : 0;
  const rows = Math.max(...columns.map((column) => column.length));
  const width = columns.length * NODE_W + (columns.length - 1) * GAP_X;
  const height = rows * NODE_H + (rows - 1) * GAP_Y + 8;
  const position = (column: number, row: number, count: number) => ({
    x: column * (NODE_W + GAP_X),
    y: 4 + (height - 8 - (count * NODE_H + (count - 1) * GAP_Y)) / 2 + row * (NODE_H + GAP_Y),
  });
  const center = position(selfColumn, 0, 1);
  return (
    <div class="lineage">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-labelledby="lineage-title" style={{ maxWidth: "100%", height: "auto" }}>
        <title id="lineage-title">
          {`Lineage of ${self}: ${parents.length} parent(s), ${children.length} child(ren)`}
        </title>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {columns.map((column, columnIndex) =>
          column.map((edge, row) => {
            const at = position(columnIndex, row, column.length);
            const isSelf = columnIndex === selfColumn;
            const from = columnIndex < selfColumn ? { x: at.x + NODE_W, y: at.y + NODE_H / 2 } : { x: center.x + NODE_W, y: center.y + NODE_H / 2 };
            const to = columnIndex < selfColumn ? { x: center.x, y: center.y + NODE_H / 2 } : { x: at.x, y: at.y + NODE_H / 2 };
            const mid = (from.x + to.x) / 2;
            return (
              <g key={`${columnIndex}-${edge.learnware}`}>
                {!isSelf && (
                  <g class="edge">
                    <path d={`M ${from.x} ${from.y} C ${mid} ${from.y}, ${mid} ${to.y}, ${to.x - 2} ${to.y}`} fill="none" stroke="currentColor" marker-end="url(#arrow)" />
                    <text x={mid} y={(from.y + to.y) / 2 - 6} text-anchor="middle" class="edge-label">
                      {edge.relation}
                    </text>
                  </g>
                )}
                <a href={isSelf ? undefined : href.ref(edge.learnware)} class={isSelf ? "node self" : "node"}>
                  <rect x={at.x} y={at.y} width={NODE_W} height={NODE_H} rx="10" />
                  <text x={at.x + NODE_W / 2} y={at.y + NODE_H / 2 + 5} text-anchor="middle">
                    {edge.learnware}
                  </text>
                </a>
              </g>
            );
          }),
        )}
      </svg>
      {parents.length + children.length === 0 ? <p class="muted">No parents or children yet: distil or transfer this version to make some.</p> : null}
    </div>
  );
}
