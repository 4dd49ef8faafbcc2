// The CLI's CSV rules (spec-schema io.learnware.spec.data.CsvTables): RFC 4180 with a header row naming
// the columns, a byte order mark and blank lines ignored, empty cells, NaN, nan and NA missing (NaN),
// inf/Infinity infinities; the label column, if named, is left out of the features. Errors name the file,
// the line where the row starts and the column (number and header name), as the CLI's do.
import type { Matrix } from "./rkme";

export class DataError extends Error {}

export interface Table {
  featureNames: string[];
  features: Matrix;
  labelColumn: string | null;
}

const SHOWN_CELL_LENGTH = 40;
const SHOWN_NAMES = 8;
const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Parses one cell as CsvTables.number does; throws on anything but a decimal number or a missing value. */
export function parseNumber(cell: string): number {
  const s = cell.trim();
  switch (s) {
    case "":
    case "NaN":
    case "nan":
    case "NA":
      return NaN;
    case "inf":
    case "+inf":
    case "Infinity":
    case "+Infinity":
      return Infinity;
    case "-inf":
    case "-Infinity":
      return -Infinity;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 0-9 . - + e E: hexadecimal and the like are more likely a mistake than a number.
    if (!((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69)) throw new SyntaxError();
  }
  const value = Number(s);
  if (Number.isNaN(value)) throw new SyntaxError();
  return value;
}

/** Splits RFC 4180 text into records of cells, counting lines. */
class Records {
  private position: number;
  private line = 1;
  recordLine = 0;
  header: string[] | null = null;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  get offset(): number {
    return this.position;
  }

  /** The next record that is not a blank line, or null at the end. */
  next(cells: string[]): string[] | null {
    const text = this.text;
    const length = text.length;
    cells.length = 0;
    let p = this.position;
    let c = text.charCodeAt(p);
    while (c === CR || c === LF) {
      p += c === CR && text.charCodeAt(p + 1) === LF ? 2 : 1;
      this.line++;
      c = text.charCodeAt(p);
    }
    if (p >= length) {
      this.position = p;
      return null;
    }
    this.recordLine = this.line;
    for (;;) {
      if (c === QUOTE) {
        p = this.quoted(p + 1, cells);
        c = text.charCodeAt(p);
        if (p < length && c !== COMMA && c !== CR && c !== LF) {
          throw new DataError(
            `${at(this.file, this.line, cells.length - 1, this.header)}: unexpected '${text[p]}' after the closing quote;` +
              " a quote inside a quoted cell is written twice",
          );
        }
      } else {
        const start = p;
        while (p < length && c !== COMMA && c !== CR && c !== LF) c = text.charCodeAt(++p);
        cells.push(text.slice(start, p));
      }
      if (c !== COMMA || p >= length) {
        if (p < length) {
          p += c === CR && text.charCodeAt(p + 1) === LF ? 2 : 1;
          this.line++;
        }
        this.position = p;
        return cells;
      }
      c = text.charCodeAt(++p);
    }
  }

  /**
   * The fast path for a data row of plain decimals (digits, an optional leading minus and one dot, or an
   * empty cell): writes the features to out from index at and returns the next index; returns -1 without
   * consuming anything when the row holds anything else (quotes, exponents, words, a wrong cell count),
   * which the general path then reads and reports.
   */
  numbers(out: Float64Array, at: number, width: number, label: number): number {
    const text = this.text;
    const length = text.length;
    let p = this.position;
    let c = text.charCodeAt(p);
    if (c === CR || c === LF || p >= length) return -1;
    for (let column = 0; column < width; column++) {
      if (column === label) {
        // The label is kept verbatim, so any unquoted cell will do.
        if (c === QUOTE) return -1;
        while (p < length && c !== COMMA && c !== CR && c !== LF) c = text.charCodeAt(++p);
        if (column < width - 1) {
          if (c !== COMMA) return -1;
          c = text.charCodeAt(++p);
        } else if (c === COMMA) {
          return -1;
        }
        continue;
      }
      const start = p;
      let negative = false;
      if (c === 45) {
        negative = true;
        c = text.charCodeAt(++p);
      }
      let mantissa = 0;
      let digits = 0;
      let decimals = -1;
      for (;;) {
        if (c >= 48 && c <= 57) {
          mantissa = mantissa * 10 + (c - 48);
          digits++;
          if (decimals >= 0) decimals++;
        } else if (c === 46 && decimals < 0) {
          decimals = 0;
        } else break;
        c = text.charCodeAt(++p);
      }
      const end = c === COMMA || c === CR || c === LF || p >= length;
      if (!end) return -1;
      {
        if (p === start) {
          out[at++] = NaN; // an empty cell is a missing value
        } else {
          // Up to 15 digits are an exact integer and 10^22 an exact power: one correctly rounded division,
          // the same double as Double.parseDouble's (Clinger's fast path). Longer numbers go the slow way.
          if (digits === 0 || digits > 15 || decimals > 22) {
            const cell = text.slice(start, p);
            const value = Number(cell);
            if (Number.isNaN(value) || digits === 0) return -1;
            out[at++] = value;
          } else {
            const value = decimals > 0 ? mantissa / POWERS_OF_TEN[decimals] : mantissa;
            out[at++] = negative ? -value : value;
          }
        }
      }
      if (column < width - 1) {
        if (c !== COMMA) return -1;
        c = text.charCodeAt(++p);
      } else if (c === COMMA) {
        return -1;
      }
    }
    this.recordLine = this.line;
    if (p < length) {
      p += c === CR && text.charCodeAt(p + 1) === LF ? 2 : 1;
      this.line++;
    }
    this.position = p;
    return at;
  }

  /** Reads a quoted cell from after its opening quote; returns the position after the closing one. */
  private quoted(p: number, cells: string[]): number {
    const text = this.text;
    const start = this.line;
    let cell = "";
    let from = p;
    for (;;) {
      if (p >= text.length) {
        throw new DataError(
          `${at(this.file, start, cells.length, this.header)}: the quoted cell that starts here never ends`,
        );
      }
      const c = text.charCodeAt(p);
      if (c === QUOTE) {
        cell += text.slice(from, p);
        if (text.charCodeAt(p + 1) !== QUOTE) {
          cells.push(cell);
          return p + 1;
        }
        cell += '"';
        p += 2;
        from = p;
        continue;
      }
      if (c === LF || (c === CR && text.charCodeAt(p + 1) !== LF)) this.line++;
      p++;
    }
  }
}

/** `data.csv line 17, column 5 ("p3")`; the name is left out beyond the header. */
function at(file: string, line: number, column: number, header: string[] | null): string {
  const where = `${file} line ${line}, column ${column + 1}`;
  return header && column < header.length ? `${where} ("${header[column]}")` : where;
}

function shown(cell: string): string {
  return cell.length <= SHOWN_CELL_LENGTH ? cell : `${cell.slice(0, SHOWN_CELL_LENGTH)}…`;
}

/** The header row's column names (empty for an empty file). */
export function csvHeader(text: string, file: string): string[] {
  return new Records(text, file).next([]) ?? [];
}

/**
 * Reads a whole numeric table.
 *
 * @param labelColumn the header name of a column left out of the features, or null
 * @param onProgress hears the fraction of the text read, every 4096 rows
 */
export function parseCsv(
  text: string,
  file: string,
  labelColumn: string | null,
  onProgress: (fraction: number) => void = () => {},
): Table {
  const records = new Records(text, file);
  const header = records.next([]);
  if (!header) throw new DataError(`${file}: the file is empty; expected a header row naming the columns`);
  const headerLine = records.recordLine;
  checkHeader(header, file, headerLine);
  records.header = header;
  const width = header.length;
  let label = -1;
  if (labelColumn !== null) {
    label = header.indexOf(labelColumn);
    if (label < 0) {
      const names = header.slice(0, SHOWN_NAMES).map((name) => `"${name}"`);
      throw new DataError(
        `${file} line ${headerLine}: no column named "${labelColumn}"; the header has ${width} columns: ` +
          `${names.join(", ")}${width > SHOWN_NAMES ? ", …" : ""}`,
      );
    }
  }
  const dimension = label < 0 ? width : width - 1;
  if (dimension === 0) {
    throw new DataError(`${file} line ${headerLine}: no feature columns besides the label column "${labelColumn}"`);
  }
  let values = new Float64Array(Math.max(dimension, Math.min(1 << 20, dimension * 1024)));
  // Any row the fast path does not take: checked and parsed cell by cell, with the CLI's messages.
  const generalRow = (cells: string[], line: number, out: Float64Array, index: number): number => {
    if (cells.length < width) {
      throw new DataError(
        `${at(file, line, cells.length, header)}: missing; the row has ${cells.length} cells, the header ${width}`,
      );
    }
    if (cells.length > width) {
      throw new DataError(
        `${at(file, line, width, header)}: beyond the header; the row has ${cells.length} cells, the header ${width}`,
      );
    }
    for (let column = 0; column < width; column++) {
      if (column === label) continue;
      const cell = cells[column];
      try {
        out[index++] = parseNumber(cell);
      } catch {
        throw new DataError(`${at(file, line, column, header)}: "${shown(cell)}" is not a number`);
      }
    }
    return index;
  };
  let size = 0;
  let rows = 0;
  const cells: string[] = [];
  for (;;) {
    if (values.length - size < dimension) {
      const grown = new Float64Array(Math.max(size + dimension, Math.floor(values.length * 1.5)));
      grown.set(values);
      values = grown;
    }
    const fast = records.numbers(values, size, width, label);
    if (fast >= 0) {
      size = fast;
    } else {
      if (!records.next(cells)) break;
      size = generalRow(cells, records.recordLine, values, size);
    }
    rows++;
    if (rows % 4096 === 0) onProgress(records.offset / text.length);
  }
  if (rows === 0) throw new DataError(`${file}: no data rows after the header (line ${headerLine})`);
  onProgress(1);
  const featureNames = header.filter((_, column) => column !== label);
  return {
    featureNames,
    features: { rows, columns: dimension, data: values.slice(0, size) },
    labelColumn: label < 0 ? null : labelColumn,
  };
}

/** A first row of numbers is data: the file has no header. Repeated names are refused. */
function checkHeader(header: string[], file: string, line: number): void {
  const allNumbers = header.every((name) => {
    try {
      return Number.isFinite(parseNumber(name));
    } catch {
      return false;
    }
  });
  if (allNumbers) {
    const first = header.slice(0, 3).join(", ");
    throw new DataError(
      `${file} line ${line}: expected a header row naming the columns, found numbers (${first}${header.length > 3 ? ", …" : ""})`,
    );
  }
  const seen = new Map<string, number>();
  header.forEach((name, column) => {
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new DataError(`${at(file, line, column, header)}: the name repeats column ${earlier + 1}`);
    }
    seen.set(name, column);
  });
}
