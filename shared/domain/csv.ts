/**
 * CSV as RFC 4180 writes it, and as spreadsheets export it: comma-separated, fields optionally in double
 * quotes (a quote inside doubled, commas and line breaks allowed inside), lines ending in CRLF or LF, a
 * UTF-8 byte-order mark tolerated. Each record carries the line it starts on (1 = the first line of the
 * file), so a caller can report per line. A malformed record is reported and skipped; parsing goes on at
 * the next line. Blank lines, and lines of empty fields only, are skipped. Pure.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  message: string;
}

export function parseCsv(input: string): { records: CsvRecord[]; errors: CsvError[] } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const errors: CsvError[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  /** Skips to just after the end of the current line (for recovery after an error). */
  const skipLine = () => {
    while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    if (i < n) {
      i++;
      line++;
    }
  };

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    let ended = false;
    let quotedField = false;
    // One record: fields until an unquoted line break or the end of the text.
    while (!ended && !error) {
      if (text[i] === '"' && field === '' && !quotedField) {
        // A quoted field: up to the closing quote; "" is a quote.
        quotedField = true;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\r' && text[i + 1] === '\n') {
            field += '\r\n';
            i += 2;
            line++;
            continue;
          }
          if (c === '\n' || c === '\r') line++;
          field += c;
          i++;
        }
        if (!closed) {
          error = `a quoted field opened on line ${startLine} is never closed`;
          break;
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          error = 'characters after a closing quote (a quote inside a quoted field must be doubled)';
          break;
        }
        continue;
      }
      const c = text[i];
      if (c === undefined || c === '\n' || c === '\r') {
        fields.push(field);
        ended = true;
        if (c === '\r' && text[i + 1] === '\n') i += 2;
        else if (c !== undefined) i++;
        if (c !== undefined) line++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        quotedField = false;
        i++;
      } else if (c === '"') {
        error = 'a quote inside an unquoted field (quote the whole field and double the quote)';
      } else {
        field += c;
        i++;
      }
    }
    if (error) {
      errors.push({ line: startLine, message: error });
      if (i < n) skipLine();
      continue;
    }
    // An empty line, or one of empty fields only (spreadsheets export empty rows as ",,,"), is no record.
    if (fields.some((f) => f.trim() !== '')) records.push({ line: startLine, fields });
  }
  return { records, errors };
}
