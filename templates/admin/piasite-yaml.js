// piasite's YAML format for Decap CMS (issue 23): a document opened and saved unchanged comes back
// byte for byte; a value changed in the form changes only that value in the original text.
//
// fromFile reads the file with YAML's failsafe schema (every value is the text written: 010 stays
// 010), turns each checkbox list into the select and text fields of the form (site/cms.py) and keeps
// the file as read in SOURCE. toFile compares the form's values with the file's and splices the
// changed values into the original text (a value keeps its !非公表 tag; a !要確認 value the clerk
// replaced becomes the plain value), then reads the result again: if it does not hold exactly the
// form's values, or a !非公表 mark would be lost, it refuses to save (Decap shows the error) — a
// document is never damaged. The save's questions (変更の届出) are written after the document as
// comment lines `# piasite-cms: 変更日: …`, read by `piasite cms trailers`.
import { parseDocument, isMap, isSeq, isScalar } from "./yaml/index.js";

export const SOURCE = "_piasite_source";
export const CHANGE = "_piasite_change";
export const MARK = "# piasite-cms: ";
const WITHHELD = "!非公表";
const UNCERTAIN = "!要確認";
// yaml (the library) reads tags of URI characters only: the two tags are read as ASCII ones of the
// same length, so every offset in the copy is the offset in the file.
const W_ASCII = "!pw0";
const U_ASCII = "!pu0";
const TEXTUAL = new Set(["text", "ref", "list", "multi", "choice"]);

export class Refused extends Error {}

function asciiTags(text) {
  return text.replace(/(^|[\s:\-\[,])!非公表(?=[\s\],]|$)/gmu, `$1${W_ASCII}`).replace(/(^|[\s:\-\[,])!要確認(?=[\s\],]|$)/gmu, `$1${U_ASCII}`);
}

function parse(text) {
  const doc = parseDocument(asciiTags(text), { schema: "failsafe", uniqueKeys: true, merge: false });
  if (doc.errors.length) throw new Refused(`YAML を読めませんでした: ${doc.errors[0].message}`);
  return doc;
}

function splitChange(text) {
  const lines = text.split("\n");
  let end = lines.length;
  if (lines[end - 1] === "") end -= 1;
  let start = end;
  while (start > 0 && lines[start - 1].startsWith(MARK)) start -= 1;
  if (start === end) return [text, {}];
  const change = {};
  for (const line of lines.slice(start, end)) {
    const body = line.slice(MARK.length);
    const i = body.indexOf(": ");
    if (i > 0) change[body.slice(0, i)] = body.slice(i + 2);
  }
  let body = lines.slice(0, start).join("\n");
  if (body.endsWith("\n\n")) body = body.slice(0, -1);
  return [body, change];
}

const isEmptyV = (v) =>
  v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) ||
  (typeof v === "object" && !Array.isArray(v) && Object.values(v).every(isEmptyV));

export function same(a, b) {
  if (isEmptyV(a) && isEmptyV(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => same(x, b[i]));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!same(a[k], b[k])) return false;
    return true;
  }
  return String(a) === String(b);
}

const tagOf = (node) => (node && node.tag) || "";
const plainText = (s) => s.split(W_ASCII).join(WITHHELD).split(U_ASCII).join(UNCERTAIN);

function js(node) {
  if (node == null) return "";
  if (isScalar(node)) return node.value == null ? "" : plainText(String(node.value));
  if (isSeq(node)) return node.items.map(js);
  if (isMap(node)) {
    const o = {};
    for (const p of node.items) o[js(p.key)] = js(p.value);
    return o;
  }
  throw new Refused("この書き方は読めません(アンカーやエイリアスなど)");
}

// The value as the form holds it, for an item of `shape` ({t: kind, c: children, q: qualified options}).
export function toUI(node, shape) {
  if (node == null) return undefined;
  if (tagOf(node) === U_ASCII) {
    // a value the importer could not read: shown as its 原文 in a text field, empty in a choice;
    // kept as it is until the clerk writes a value
    const raw = isMap(node) ? js(node) : {};
    if (shape && (shape.t === "text" || shape.t === "ref")) return raw["原文"] || "";
    if (shape && shape.t === "multi") return { sel: [] };
    if (shape && (shape.t === "list" || shape.t === "group")) return [];
    return "";
  }
  if (!shape) return js(node);
  const t = shape.t;
  if (t === "multi") {
    if (!isSeq(node)) return isScalar(node) && !node.value ? { sel: [] } : refuse(node, "チェックボックスの項目がリストではありません");
    const ui = { sel: [] };
    for (const el of node.items) {
      if (isScalar(el)) ui.sel.push(js(el));
      else if (isMap(el) && el.items.length === 1) {
        const key = js(el.items[0].key);
        const qi = (shape.q || []).indexOf(key);
        if (qi < 0) refuse(el, `「${key}」は内容を書ける選択肢ではありません`);
        ui.sel.push(key);
        ui[`q${qi}`] = js(el.items[0].value);
      } else refuse(el, "チェックボックスの選択肢の書き方が読めません");
    }
    return ui;
  }
  if (t === "group") {
    if (!isSeq(node)) return isScalar(node) && !node.value ? [] : refuse(node, "繰り返しの欄がリストではありません");
    return node.items.map((el) => toUI(el, { t: "section", c: shape.c }));
  }
  if (t === "section") {
    if (!isMap(node)) return isScalar(node) && !node.value ? {} : refuse(node, "項目の並びになっていません");
    const o = {};
    for (const p of node.items) {
      const k = js(p.key);
      o[k] = toUI(p.value, shape.c && shape.c[k]);
    }
    return o;
  }
  if (t === "list") return isSeq(node) ? node.items.map(js) : js(node);
  return js(node);
}

function refuse(node, why) {
  throw new Refused(`${why}(${node && node.range ? `${node.range[0]} 文字目` : ""})。この評価書はテキストエディタで直してください`);
}

export function fromFile(text) {
  const [body, change] = splitChange(text);
  const doc = parse(body);
  const data = toUI(doc.contents, shapeFor(doc));
  const out = data && typeof data === "object" && !Array.isArray(data) ? data : {};
  out[SOURCE] = text;
  out[CHANGE] = change;
  return out;
}

let SHAPES = { keys: [], forms: {} };
export function useShapes(shapes) {
  SHAPES = shapes;
}

function shapeFor(doc) {
  if (!isMap(doc.contents)) return undefined;
  for (const p of doc.contents.items) {
    const k = js(p.key);
    if (SHAPES.keys.includes(k) && isScalar(p.value) && SHAPES.forms[p.value.value]) return SHAPES.forms[p.value.value];
  }
  return undefined;
}

// ---- writing ----

function lineStart(text, pos) {
  return text.lastIndexOf("\n", pos - 1) + 1;
}
const colOf = (text, pos) => pos - lineStart(text, pos);
const pad = (n) => " ".repeat(n);

function looksTyped(s) {
  return /^(true|false|True|False|TRUE|FALSE|null|Null|NULL|~)$/.test(s) || /^[-+]?(\d[\d_]*|0x[0-9a-fA-F]+|0o[0-7]+)$/.test(s) ||
    /^[-+]?(\.\d+|\d+(\.\d*)?)([eE][-+]?\d+)?$/.test(s) || /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s) || /^\d{4}-\d{1,2}-\d{1,2}/.test(s);
}

function plainOK(s, kind) {
  if (s === "" || /^\s|\s$/.test(s) || /^[-?:,\[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/: |:$| #|[\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  if (/[\[\]{},]/.test(s) && false) return false;
  if (TEXTUAL.has(kind) && looksTyped(s)) return false;
  return true;
}

const dq = (s) => JSON.stringify(s);

// A scalar written at a key whose column is `col` (continuation lines two further in).
function scalarText(s, kind, col, old) {
  s = String(s);
  if (s.includes("\n")) {
    if (/^[ \t]/.test(s) || /\n\n+$/.test(s) || /[\r\x00-\x08\x0b-\x1f\x7f\ufeff]/.test(s) || /\n[ \t]/.test(s) && false) return dq(s);
    const chomp = s.endsWith("\n") ? "" : "-";
    const lines = (s.endsWith("\n") ? s.slice(0, -1) : s).split("\n");
    if (lines.some((l) => /^[ \t]/.test(l))) return dq(s);
    return `|${chomp}\n` + lines.map((l) => (l ? pad(col + 2) + l : "")).join("\n");
  }
  if (old && isScalar(old)) {
    if (old.type === "QUOTE_DOUBLE") return dq(s);
    if (old.type === "QUOTE_SINGLE") return `'${s.replace(/'/g, "''")}'`;
  }
  return plainOK(s, kind) ? s : dq(s);
}

function fromUIMulti(v, shape) {
  const out = [];
  for (const text of (v && v.sel) || []) {
    const qi = (shape.q || []).indexOf(text);
    const words = qi >= 0 ? v[`q${qi}`] : "";
    out.push(qi >= 0 && !isEmptyV(words) ? { [text]: words } : text);
  }
  return out;
}

// Lines of a value as a block at column col: [firstLineSuffix | null, ...lines]
function emitPair(key, v, shape, col, old) {
  const kind = shape ? shape.t : "text";
  const k = plainOK(key, "key") ? key : dq(key);
  if (kind === "multi") v = fromUIMulti(v, shape);
  if (Array.isArray(v)) {
    if (!v.length) return [`${pad(col)}${k}:`];
    return [`${pad(col)}${k}:`, ...emitSeq(v, shape, col + 2, old)];
  }
  if (v && typeof v === "object") {
    const lines = emitMap(v, shape, col + 2);
    return lines.length ? [`${pad(col)}${k}:`, ...lines] : [`${pad(col)}${k}:`];
  }
  if (isEmptyV(v)) return [`${pad(col)}${k}:`];
  return [`${pad(col)}${k}: ${scalarText(v, kind, col)}`];
}

function emitMap(v, shape, col) {
  const lines = [];
  const order = shape && shape.c ? [...Object.keys(shape.c), ...Object.keys(v).filter((k) => !(k in shape.c))] : Object.keys(v);
  for (const k of order) {
    if (!(k in v) || isEmptyV(v[k]) || k === SOURCE || k === CHANGE) continue;
    lines.push(...emitPair(k, v[k], shape && shape.c ? shape.c[k] : undefined, col));
  }
  return lines;
}

function emitSeq(items, shape, col, old) {
  const lines = [];
  const kind = shape ? shape.t : "list";
  for (const el of items) {
    if (el && typeof el === "object" && !Array.isArray(el)) {
      const inner = kind === "group" ? emitMap(el, { t: "section", c: shape.c }, col + 2) : emitMap(el, undefined, col + 2);
      // qualified option: keep the withheld mark of the words it had
      if (kind === "multi" && old && isSeq(old)) {
        const key = Object.keys(el)[0];
        const prev = old.items.find((o) => isMap(o) && o.items.length === 1 && js(o.items[0].key) === key);
        if (prev && tagOf(prev.items[0].value) === W_ASCII && inner.length === 1) {
          inner[0] = inner[0].replace(/^(\s*[^:]+: )/, `$1${WITHHELD} `);
        }
      }
      if (!inner.length) continue;
      lines.push(pad(col) + "- " + inner[0].slice(col + 2), ...inner.slice(1));
    } else {
      if (isEmptyV(el)) continue;
      lines.push(`${pad(col)}- ${scalarText(el, kind === "group" ? "text" : kind === "multi" ? "multi" : "list", col)}`);
    }
  }
  return lines;
}

// The edits that turn the file's values (node) into the form's (v): [start, end, text] on the text.
function diff(edits, text, node, v, shape, col, keyEnd) {
  const old = toUI(node, shape);
  if (same(old, v)) return;
  const kind = shape ? shape.t : undefined;
  const uncertain = node && tagOf(node) === U_ASCII;
  if (node && !uncertain && kind === "section" && isMap(node) && v && typeof v === "object") {
    diffMap(edits, text, node, v, shape, col);
    return;
  }
  if (node && !uncertain && kind === "group" && isSeq(node) && Array.isArray(v)) {
    diffSeq(edits, text, node, v, shape);
    return;
  }
  replaceValue(edits, text, node, v, shape, col, keyEnd);
}

function replaceValue(edits, text, node, v, shape, col, keyEnd) {
  const kind = shape ? shape.t : "text";
  let start, end;
  const withheld = node && tagOf(node) === W_ASCII;
  if (!node || (isScalar(node) && node.range[0] === node.range[1] && !node.value)) {
    start = keyEnd;
    end = node ? node.range[1] : keyEnd;
  } else {
    start = node.range[0];
    end = node.range[1];
    if (tagOf(node) === U_ASCII || (withheld && !isScalar(node))) {
      // the tag goes with the value it marked (the 要確認 is answered)
      const at = text.lastIndexOf(tagOf(node) === U_ASCII ? UNCERTAIN : WITHHELD, start);
      if (at >= keyEnd) start = at;
    }
  }
  let value = v;
  if (kind === "multi") value = fromUIMulti(v, shape);
  const trailingNL = text.slice(start, end).endsWith("\n");
  let rep;
  if (Array.isArray(value) || (value && typeof value === "object")) {
    const lines = Array.isArray(value) ? emitSeq(value, shape, col + 2, node) : emitMap(value, shape, col + 2);
    rep = lines.length ? "\n" + lines.join("\n") : "";
  } else if (isEmptyV(value)) {
    rep = "";
  } else {
    const s = scalarText(value, kind, col, isScalar(node) ? node : undefined);
    rep = s;
  }
  // the space after "key:" belongs to the value: none before a block or nothing
  if (rep === "" || rep.startsWith("\n")) start = Math.max(keyEnd, Math.min(start, keyEnd));
  if (start === keyEnd && rep && !rep.startsWith("\n")) rep = " " + rep;
  if (trailingNL && !rep.endsWith("\n")) rep += "\n";
  edits.push([start, end, rep]);
}

function diffMap(edits, text, node, v, shape, col) {
  const pairs = new Map(node.items.map((p) => [js(p.key), p]));
  const order = Object.keys(shape.c || {});
  let last = null;
  const keyCol = node.items.length ? colOf(text, node.items[0].key.range[0]) : col;
  for (const k of order) {
    const p = pairs.get(k);
    const child = shape.c[k];
    if (p) {
      const keyEnd = text.indexOf(":", p.key.range[1]) + 1;
      diff(edits, text, p.value, v[k], child, colOf(text, p.key.range[0]), keyEnd);
      last = p;
    } else if (!isEmptyV(v[k])) {
      const lines = emitPair(k, v[k], child, keyCol);
      let at;
      if (last) at = pairEnd(text, last);
      else at = node.items.length ? lineStart(text, node.items[0].key.range[0]) : node.range[0];
      edits.push([at, at, lines.join("\n") + "\n"]);
    }
  }
}

function pairEnd(text, pair) {
  const n = pair.value || pair.key;
  let end = n.range[2];
  if (end > 0 && text[end - 1] !== "\n") {
    const nl = text.indexOf("\n", end);
    end = nl < 0 ? text.length : nl + 1;
  }
  return end;
}

function diffSeq(edits, text, node, v, shape) {
  const oldItems = node.items;
  const elShape = { t: "section", c: shape.c };
  const olds = oldItems.map((el) => toUI(el, elShape));
  const pairs = [];
  let i = 0;
  let j = 0;
  while (i < oldItems.length) {
    if (j < v.length && same(olds[i], v[j])) pairs.push([i++, j++]);
    else if (oldItems.length - i > v.length - j) {
      const s = lineStart(text, oldItems[i].range[0]);
      const nextStart = i + 1 < oldItems.length ? lineStart(text, oldItems[i + 1].range[0]) : elementEnd(text, oldItems[i]);
      edits.push([s, nextStart, ""]);
      i++;
    } else pairs.push([i++, j++]);
  }
  for (const [a, b] of pairs) {
    const el = oldItems[a];
    diff(edits, text, el, v[b], elShape, colOf(text, el.range[0]), el.range[0]);
  }
  if (j < v.length) {
    const col = oldItems.length ? colOf(text, oldItems[0].range[0]) - 2 : 0;
    const at = oldItems.length ? elementEnd(text, oldItems[oldItems.length - 1]) : node.range[1];
    edits.push([at, at, emitSeq(v.slice(j), shape, col).join("\n") + "\n"]);
  }
}

function elementEnd(text, el) {
  let end = el.range[2];
  if (end > 0 && text[end - 1] !== "\n") {
    const nl = text.indexOf("\n", end);
    end = nl < 0 ? text.length : nl + 1;
  }
  return end;
}

function countTag(text, tag) {
  return (asciiTags(text).match(new RegExp(tag === WITHHELD ? W_ASCII : U_ASCII, "g")) || []).length;
}

function changeLines(change) {
  const lines = [];
  for (const [k, v] of Object.entries(change || {})) {
    const s = v == null ? "" : String(v).replace(/\s*\n\s*/g, " ").trim();
    if (s) lines.push(MARK + k + ": " + s);
  }
  return lines;
}

export function toFile(data) {
  const source = data[SOURCE];
  if (typeof source !== "string") throw new Refused("piasite の CMS では新しい評価書を作りません(piasite new か piasite import で作ります)");
  const [body] = splitChange(source);
  const doc = parse(body);
  const shape = shapeFor(doc);
  const v = {};
  for (const [k, x] of Object.entries(data)) if (k !== SOURCE && k !== CHANGE) v[k] = x;
  const edits = [];
  if (shape) diffMap(edits, body, doc.contents, v, shape, 0);
  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  let out = body;
  for (const [s, e, rep] of edits) out = out.slice(0, s) + rep + out.slice(e);
  // read back: exactly the form's values, every withheld mark still there
  const again = parse(out);
  const got = toUI(again.contents, shape);
  if (shape && !same(got, v)) throw new Refused("変更をそのまま書けないため保存しませんでした。この変更はテキストエディタで行ってください");
  if (countTag(out, WITHHELD) < countTag(body, WITHHELD)) throw new Refused("非公表の印(!非公表)が外れるため保存しませんでした");
  const lines = changeLines(data[CHANGE]);
  if (lines.length) out = (out.endsWith("\n") ? out : out + "\n") + lines.join("\n") + "\n";
  return out;
}
