// The try-it page. Spec text only ever reaches the document as textContent or attribute values,
// never as HTML. The data blobs are parsed when first needed.
(function () {
  "use strict";

  var META = JSON.parse(document.getElementById("tryit-meta").textContent);
  var opCache = {};
  var typeCache = {};

  function opBlob(n) {
    if (!(n in opCache)) opCache[n] = JSON.parse(document.getElementById("op-" + n).textContent);
    return opCache[n];
  }

  function typeDef(name) {
    if (!(name in typeCache)) {
      var i = META.types[name];
      typeCache[name] = i === undefined ? null : JSON.parse(document.getElementById("t-" + i).textContent);
    }
    return typeCache[name];
  }

  // --- DOM helpers -------------------------------------------------------------------

  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      for (var key in props) {
        if (!Object.prototype.hasOwnProperty.call(props, key)) continue;
        var value = props[key];
        if (value === undefined || value === null) continue;
        if (key === "text") node.textContent = value;
        else if (key === "cls") node.className = value;
        else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // --- storage: per document and scheme; sessionStorage unless "remember" -------------

  var store = {
    key: function (name) { return "tryit:" + META.doc + ":" + name; },
    area: function (which) {
      try { return which === "local" ? window.localStorage : window.sessionStorage; } catch (e) { return null; }
    },
    remembered: function () {
      var local = this.area("local");
      return !!local && local.getItem(this.key("remember")) === "1";
    },
    get: function (name) {
      var area = this.area(this.remembered() ? "local" : "session");
      return area ? area.getItem(this.key(name)) || "" : "";
    },
    set: function (name, value) {
      var area = this.area(this.remembered() ? "local" : "session");
      if (!area) return;
      if (value) area.setItem(this.key(name), value);
      else area.removeItem(this.key(name));
    },
    names: function () {
      var names = ["gateway"];
      if (META.auth) names.push("credential:" + META.auth.name);
      return names;
    },
    setRemember: function (on) {
      var local = this.area("local"), session = this.area("session");
      if (!local || !session) return;
      var self = this;
      var values = this.names().map(function (n) { return [n, self.get(n)]; });
      this.names().forEach(function (n) { local.removeItem(self.key(n)); session.removeItem(self.key(n)); });
      if (on) local.setItem(this.key("remember"), "1");
      else local.removeItem(this.key("remember"));
      values.forEach(function (pair) { self.set(pair[0], pair[1]); });
    },
    forget: function () {
      var self = this;
      ["local", "session"].forEach(function (which) {
        var area = self.area(which);
        if (!area) return;
        self.names().concat(["remember"]).forEach(function (n) { area.removeItem(self.key(n)); });
      });
    },
  };

  // --- Python's repr, for messages and snippets ---------------------------------------

  function pyStr(s) {
    var quote = s.indexOf("'") >= 0 && s.indexOf('"') < 0 ? '"' : "'";
    var out = quote;
    for (var i = 0; i < s.length; i++) {
      var ch = s[i], code = s.charCodeAt(i);
      if (ch === "\\") out += "\\\\";
      else if (ch === quote) out += "\\" + quote;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) out += "\\x" + ("0" + code.toString(16)).slice(-2);
      else if ((code >= 0x2028 && code <= 0x202e) || (code >= 0x200b && code <= 0x200f) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff)
        out += "\\u" + ("000" + code.toString(16)).slice(-4);
      else out += ch;
    }
    return out + quote;
  }

  function pyNum(n) {
    if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
    var text = String(n);
    return text.replace("e+", "e+").replace(/e(-?)(\d)$/, "e$10$2");
  }

  function pyRepr(v) {
    if (v === null || v === undefined) return "None";
    if (v === true) return "True";
    if (v === false) return "False";
    if (typeof v === "number") return pyNum(v);
    if (typeof v === "string") return pyStr(v);
    if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
    return "{" + Object.keys(v).map(function (k) { return pyStr(k) + ": " + pyRepr(v[k]); }).join(", ") + "}";
  }

  // --- the client's checks (the runtime's _validation.check), collecting every problem ---

  function kindOf(v) {
    if (typeof v === "boolean") return "boolean";
    if (typeof v === "number") return "number";
    if (typeof v === "string") return "string";
    if (Array.isArray(v)) return "array";
    if (v && typeof v === "object") return "object";
    return null;
  }

  function sameJson(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") return a === b;
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every(function (k) { return Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]); });
  }

  function bound(rule, key, integer) {
    var b = rule[key];
    if (typeof b !== "number") return null;
    if (integer && !Number.isInteger(b)) return null;
    return b;
  }

  function shown(rule, key) {
    return rule.$repr && rule.$repr[key] ? rule.$repr[key] : pyNum(rule[key]);
  }

  var patternCache = {};
  function compiled(pattern) {
    if (!(pattern in patternCache)) {
      var re = null;
      try { re = new RegExp(pattern, "u"); } catch (e) {
        try { re = new RegExp(pattern); } catch (e2) { re = null; }
      }
      patternCache[pattern] = re;
    }
    return patternCache[pattern];
  }

  function isMultiple(value, divisor) {
    if (Number.isInteger(value) && Number.isInteger(divisor)) return value % divisor === 0;
    var q = value / divisor;
    return Math.abs(q - Math.round(q)) <= Math.max(1e-9 * Math.max(Math.abs(q), Math.abs(Math.round(q))), 1e-9);
  }

  function firstProblem(v, rule) {
    var b;
    if (Array.isArray(rule.enum)) {
      if (!rule.enum.some(function (o) { return sameJson(v, o); }))
        return "must be one of " + rule.enum.map(pyRepr).join(", ") + " (got " + pyRepr(v) + ")";
    }
    if (typeof v === "number") {
      if ((b = bound(rule, "minimum")) !== null && v < b) return "must be >= " + shown(rule, "minimum") + " (got " + pyNum(v) + ")";
      if ((b = bound(rule, "maximum")) !== null && v > b) return "must be <= " + shown(rule, "maximum") + " (got " + pyNum(v) + ")";
      if ((b = bound(rule, "exclusiveMinimum")) !== null && v <= b) return "must be > " + shown(rule, "exclusiveMinimum") + " (got " + pyNum(v) + ")";
      if ((b = bound(rule, "exclusiveMaximum")) !== null && v >= b) return "must be < " + shown(rule, "exclusiveMaximum") + " (got " + pyNum(v) + ")";
      if ((b = bound(rule, "multipleOf")) !== null && b > 0 && !isMultiple(v, b)) return "must be a multiple of " + shown(rule, "multipleOf") + " (got " + pyNum(v) + ")";
    }
    if (typeof v === "string") {
      var length = Array.from(v).length;
      if ((b = bound(rule, "minLength", true)) !== null && length < b) return "must be at least " + b + " characters";
      if ((b = bound(rule, "maxLength", true)) !== null && length > b) return "must be at most " + b + " characters";
      if (typeof rule.pattern === "string") {
        var re = compiled(rule.pattern);
        if (re && !re.test(v)) return "must match pattern " + pyStr(rule.pattern);
      }
    }
    if (Array.isArray(v)) {
      if ((b = bound(rule, "minItems", true)) !== null && v.length < b) return "must have at least " + b + " items (got " + v.length + ")";
      if ((b = bound(rule, "maxItems", true)) !== null && v.length > b) return "must have at most " + b + " items (got " + v.length + ")";
      if (rule.uniqueItems === true) {
        for (var i = 0; i < v.length; i++)
          for (var j = 0; j < i; j++) if (sameJson(v[i], v[j])) return "must not contain duplicate items";
      }
    }
    if (kindOf(v) === "object") {
      var n = Object.keys(v).length;
      if ((b = bound(rule, "minProperties", true)) !== null && n < b) return "must have at least " + b + " keys (got " + n + ")";
      if ((b = bound(rule, "maxProperties", true)) !== null && n > b) return "must have at most " + b + " keys (got " + n + ")";
    }
    return null;
  }

  function variantFor(v, variants) {
    var kind = kindOf(v);
    var candidates = variants.filter(function (x) { return x && x.kind === kind; });
    var tagged = candidates.filter(function (x) { return Array.isArray(x.tag); });
    if (tagged.length && kind === "object") {
      candidates = tagged.filter(function (x) { return sameJson(v[x.tag[0]], x.tag[1]); });
    }
    return candidates.length === 1 && candidates[0].rule ? candidates[0].rule : null;
  }

  function shortKey(k) {
    var chars = Array.from(k);
    return chars.length > 16 ? pyStr(chars.slice(0, 16).join("") + "\u2026") : pyStr(k);
  }

  function check(name, v, rule, out) {
    if (v === null || v === undefined || !rule) return;
    var problem = firstProblem(v, rule);
    if (problem !== null) {
      out.push({ path: name, message: name + ": " + problem });
      return;
    }
    if (Array.isArray(rule.variants)) {
      var chosen = variantFor(v, rule.variants);
      if (chosen) check(name, v, chosen, out);
    }
    if (rule.items && Array.isArray(v)) v.forEach(function (item, i) { check(name + "[" + i + "]", item, rule.items, out); });
    if (kindOf(v) !== "object") return;
    if (rule.keys) {
      for (var key in v) {
        var p = firstProblem(key, rule.keys);
        if (p !== null) { out.push({ path: name, message: name + "[" + shortKey(key) + "]: key " + p }); return; }
      }
    }
    if (rule.values) for (var k in v) check(name + "[" + pyStr(k) + "]", v[k], rule.values, out);
    if (rule.properties) {
      for (var prop in rule.properties) if (Object.prototype.hasOwnProperty.call(v, prop)) check(name + "." + prop, v[prop], rule.properties[prop], out);
    }
  }

  // --- form widgets: each has .node and .value(path, problems) (undefined = not given) ---

  function deref(t, seen) {
    seen = seen || {};
    while (t && t.k === "ref" && !seen[t.name]) {
      seen[t.name] = true;
      var d = typeDef(t.name);
      if (!d) return { k: "any" };
      if (d.k === "alias") t = d.type;
      else return { k: "model", def: d };
    }
    return t && t.k === "ref" ? { k: "any" } : t;
  }

  function typeLabel(t) {
    if (t.k === "ref") return t.name;
    if (t.k === "enum") return t.values.length === 1 ? JSON.stringify(t.values[0]) : "one of " + t.values.length;
    if (t.k === "list") return "array of " + typeLabel(t.item);
    if (t.k === "map") return "map of " + typeLabel(t.value);
    if (t.k === "nullable") return typeLabel(t.inner) + " or null";
    if (t.k === "union") return t.variants.map(typeLabel).join(" | ");
    return { str: "string", int: "integer", float: "number", bool: "boolean", any: "JSON", none: "null", bytes: "file" }[t.k] || t.k;
  }

  function constraintText(t) {
    var c = t.c || {};
    var parts = [];
    var names = {
      minimum: "≥ ", maximum: "≤ ", exclusiveMinimum: "> ", exclusiveMaximum: "< ", multipleOf: "multiple of ",
      minLength: "min length ", maxLength: "max length ", pattern: "pattern ", minItems: "min items ", maxItems: "max items ",
      minProperties: "min keys ", maxProperties: "max keys ",
    };
    for (var key in names) if (key in c) parts.push(names[key] + c[key]);
    if (c.uniqueItems) parts.push("unique items");
    if (t.kc && "maxLength" in t.kc) parts.push("keys max length " + t.kc.maxLength);
    if (t.format) parts.push("format " + t.format);
    return parts.join(", ");
  }

  function onChange() { scheduleUpdate(); }

  function fixedOf(t) {
    var d = deref(t);
    return d && d.k === "enum" && d.values.length === 1 ? d.values : null;
  }

  function build(t, opts) {
    opts = opts || {};
    var depth = (opts.depth || 0) + 1;
    if (depth > 24) return { node: el("span", { cls: "note", text: "nested too deep to edit here" }), value: function () { return undefined; } };
    if (t.k === "nullable") return build(t.inner, Object.assign({}, opts, { depth: depth }));
    t = deref(t);
    var id = opts.id;
    if (t.k === "str" || t.k === "int" || t.k === "float") {
      var input = el("input", {
        type: "text", id: id, "data-kind": t.k, inputmode: t.k === "str" ? null : "decimal",
        placeholder: opts.placeholder, oninput: onChange, autocomplete: "off", spellcheck: "false",
      });
      return {
        node: input,
        value: function (path, problems) {
          var text = input.value;
          if (text === "") return undefined;
          if (t.k === "str") return text;
          var n = Number(text.trim());
          if (text.trim() === "" || !isFinite(n)) { problems.push({ path: path, message: path + ": must be a number (got " + pyStr(text) + ")" }); return undefined; }
          if (t.k === "int" && !Number.isInteger(n)) { problems.push({ path: path, message: path + ": must be a whole number (got " + pyStr(text) + ")" }); return undefined; }
          return n;
        },
        set: function (v) { input.value = v; },
      };
    }
    if (t.k === "bool") {
      var box = el("input", { type: "checkbox", id: id, role: "switch" });
      var state = el("span", { cls: "state" });
      var isSet = false;
      function show() {
        box.indeterminate = !isSet;
        state.textContent = isSet ? String(box.checked) : "not set" + (opts.placeholder ? " (" + opts.placeholder + ")" : "");
      }
      box.addEventListener("change", function () { isSet = true; show(); onChange(); });
      var reset = el("button", { type: "button", cls: "small", text: "unset", onclick: function () { isSet = false; box.checked = false; show(); onChange(); } });
      show();
      return {
        node: el("span", { cls: "toggle" }, box, state, reset),
        value: function () { return isSet ? box.checked : undefined; },
      };
    }
    if (t.k === "enum") {
      if (t.values.length === 1 && opts.required) {
        return { node: el("code", { cls: "fixed", id: id, text: JSON.stringify(t.values[0]) }), value: function () { return t.values[0]; } };
      }
      var select = el("select", { id: id, onchange: onChange });
      select.appendChild(el("option", { value: "", text: opts.placeholder ? "(not set: " + opts.placeholder + ")" : "(not set)" }));
      t.values.forEach(function (v, i) { select.appendChild(el("option", { value: String(i), text: JSON.stringify(v) })); });
      return {
        node: select,
        value: function () { return select.value === "" ? undefined : t.values[Number(select.value)]; },
      };
    }
    if (t.k === "none") return { node: el("code", { text: "null" }), value: function () { return null; } };
    if (t.k === "bytes") {
      return { node: el("span", { cls: "note", text: "files cannot be sent from this page" }), value: function () { return undefined; }, unsupported: true };
    }
    if (t.k === "any" || t.k === "ref") {
      var area = el("textarea", { id: id, rows: "2", placeholder: opts.placeholder || "JSON", oninput: onChange, spellcheck: "false" });
      return {
        node: area,
        value: function (path, problems) {
          if (area.value.trim() === "") return undefined;
          try { return JSON.parse(area.value); } catch (e) { problems.push({ path: path, message: path + ": is not valid JSON" }); return undefined; }
        },
      };
    }
    if (t.k === "list") return buildList(t, opts, depth);
    if (t.k === "map") return buildMap(t, opts, depth);
    if (t.k === "union") return buildUnion(t, opts, depth);
    if (t.k === "model") return buildModel(t.def, opts, depth);
    return { node: el("span", { text: "?" }), value: function () { return undefined; } };
  }

  function buildList(t, opts, depth) {
    var items = [];
    var box = el("div", { cls: "list", id: opts.id });
    var rows = el("div", { cls: "rows" });
    var add = el("button", { type: "button", cls: "add", text: "+ Add item" });
    var counter = 0;
    add.addEventListener("click", function () {
      var itemId = (opts.id || "x") + "-" + counter++;
      var w = build(t.item, { depth: depth, id: itemId, required: true });
      var row = el("div", { cls: "row" });
      var entry = { widget: w, row: row };
      var remove = el("button", { type: "button", cls: "remove small", text: "Remove", onclick: function () {
        items.splice(items.indexOf(entry), 1);
        rows.removeChild(row);
        renumber();
        onChange();
      } });
      row.appendChild(el("span", { cls: "index" }));
      row.appendChild(w.node);
      row.appendChild(remove);
      items.push(entry);
      rows.appendChild(row);
      renumber();
      onChange();
    });
    function renumber() { items.forEach(function (e, i) { e.row.firstChild.textContent = "[" + i + "]"; }); }
    box.appendChild(rows);
    box.appendChild(add);
    var touched = false;
    return {
      node: box,
      value: function (path, problems) {
        if (!items.length) return undefined;
        return items.map(function (e, i) {
          var v = e.widget.value(path + "[" + i + "]", problems);
          if (v === undefined) { problems.push({ path: path + "[" + i + "]", message: path + "[" + i + "]: is required" }); return null; }
          return v;
        });
      },
      touched: touched,
    };
  }

  function buildMap(t, opts, depth) {
    var entries = [];
    var box = el("div", { cls: "map", id: opts.id });
    var rows = el("div", { cls: "rows" });
    var counter = 0;
    var add = el("button", { type: "button", cls: "add", text: "+ Add key" });
    add.addEventListener("click", function () {
      var rowId = (opts.id || "m") + "-" + counter++;
      var key = el("input", { type: "text", cls: "key", id: rowId + "-key", placeholder: "key", oninput: onChange, autocomplete: "off" });
      var w = build(t.value, { depth: depth, id: rowId + "-value", required: true });
      var row = el("div", { cls: "row" });
      var entry = { key: key, widget: w };
      row.appendChild(key);
      row.appendChild(w.node);
      row.appendChild(el("button", { type: "button", cls: "remove small", text: "Remove", onclick: function () {
        entries.splice(entries.indexOf(entry), 1);
        rows.removeChild(row);
        onChange();
      } }));
      entries.push(entry);
      rows.appendChild(row);
      onChange();
    });
    box.appendChild(rows);
    box.appendChild(add);
    return {
      node: box,
      value: function (path, problems) {
        if (!entries.length) return undefined;
        var out = {};
        entries.forEach(function (e) {
          var k = e.key.value;
          var v = e.widget.value(path + "[" + pyStr(k) + "]", problems);
          if (v === undefined) problems.push({ path: path + "[" + pyStr(k) + "]", message: path + "[" + pyStr(k) + "]: is required" });
          else out[k] = v;
        });
        return out;
      },
    };
  }

  function variantLabel(v) {
    if (v.k === "ref") {
      var d = deref(v);
      if (d.k === "model") {
        var tag = d.def.fields.filter(function (f) { return f.required && fixedOf(f.type); })[0];
        if (tag) return String(fixedOf(tag.type)[0]) + " (" + v.name + ")";
      }
      return v.name;
    }
    return typeLabel(v);
  }

  function buildUnion(t, opts, depth) {
    var select = el("select", { id: opts.id ? opts.id + "-variant" : null, cls: "variant", "aria-label": "variant" });
    select.appendChild(el("option", { value: "", text: opts.required ? "(choose a variant)" : "(not set)" }));
    t.variants.forEach(function (v, i) { select.appendChild(el("option", { value: String(i), text: variantLabel(v) })); });
    var slot = el("div", { cls: "variant-body" });
    var current = null;
    select.addEventListener("change", function () {
      clear(slot);
      current = select.value === "" ? null : build(t.variants[Number(select.value)], { depth: depth, id: opts.id ? opts.id + "-v" + select.value : null, required: true, placeholder: opts.placeholder });
      if (current) slot.appendChild(current.node);
      onChange();
    });
    return {
      node: el("div", { cls: "union" }, select, slot),
      value: function (path, problems) { return current ? current.value(path, problems) : undefined; },
    };
  }

  function fieldRow(label, info, widget, lazy) {
    var row = el("div", { cls: "field" });
    var head = el("div", { cls: "field-head" });
    head.appendChild(el("label", { cls: "name", "for": widget && widget.id ? widget.id : null, text: label }));
    if (info.required) head.appendChild(el("span", { cls: "required", text: "required" }));
    head.appendChild(el("span", { cls: "type", text: typeLabel(info.type) }));
    var constraints = constraintText(deref(info.type.k === "nullable" ? info.type.inner : info.type) || {});
    if (constraints) head.appendChild(el("span", { cls: "constraints", text: constraints }));
    if (info.default !== undefined) head.appendChild(el("span", { cls: "default", text: "default " + info.default }));
    row.appendChild(head);
    if (info.doc) row.appendChild(el("p", { cls: "doc", text: info.doc }));
    return row;
  }

  // A field: required ones are built at once; optional objects, lists and unions only when asked
  // (which keeps recursive types finite, and leaves them out of the request until then).
  function buildField(info, path, id) {
    var inner = info.type.k === "nullable" ? info.type.inner : info.type;
    var d = deref(inner);
    var row = fieldRow(info.label, info, null);
    row.setAttribute("data-path", path);
    var holder = el("div", { cls: "field-input" });
    row.appendChild(holder);
    var widget = null;
    var opts = { id: id, required: info.required, placeholder: info.default };
    var deferred = !info.required && d && d.k === "model";
    if (!deferred) {
      widget = build(info.type, opts);
      holder.appendChild(widget.node);
    } else {
      var open = el("button", { type: "button", cls: "add", id: id + "-set", text: "+ Set " + info.label });
      open.addEventListener("click", function () {
        clear(holder);
        widget = build(info.type, opts);
        holder.appendChild(widget.node);
        holder.appendChild(el("button", { type: "button", cls: "remove small", text: "Unset", onclick: function () {
          widget = null;
          clear(holder);
          holder.appendChild(open);
          onChange();
        } }));
        onChange();
      });
      holder.appendChild(open);
    }
    // A nullable field can be sent as an explicit null (the client's `None`), which is not leaving it out.
    var nullBox = null;
    if (info.type.k === "nullable") {
      nullBox = el("input", { type: "checkbox", id: id + "-null", cls: "null" });
      nullBox.addEventListener("change", function () { holder.classList.toggle("disabled", nullBox.checked); onChange(); });
      row.firstChild.appendChild(el("label", { cls: "null-label" }, nullBox, " send null"));
    }
    return {
      node: row,
      value: function (p, problems) {
        if (nullBox && nullBox.checked) return null;
        return widget ? widget.value(p, problems) : undefined;
      },
      unsupported: function () { return !!(widget && widget.unsupported); },
    };
  }

  function buildModel(def, opts, depth) {
    var box = el("fieldset", { cls: "model", id: opts.id });
    box.appendChild(el("legend", { text: def.name }));
    var fields = def.fields.map(function (f, i) {
      var fid = (opts.id || "f") + "." + f.wire.replace(/[^A-Za-z0-9_-]/g, "_");
      var w = buildField({ label: f.wire, type: f.type, required: f.required, doc: f.doc, default: f.default }, f.wire, fid);
      box.appendChild(w.node);
      return { f: f, w: w };
    });
    return {
      node: box,
      value: function (path, problems) {
        var out = {};
        fields.forEach(function (x) {
          var p = path + "." + x.f.wire;
          var v = x.w.value(p, problems);
          if (v === undefined) {
            if (x.f.required) problems.push({ path: p, message: p + ": is required" });
          } else out[x.f.wire] = v;
        });
        return out;
      },
    };
  }

  // --- the operation view ----------------------------------------------------------------

  var view = null; // {op, fields, problemsBox, send, snippets, response}

  function showOperation(n) {
    var op = opBlob(n);
    var section = document.getElementById("operation");
    clear(section);
    var head = el("div", { cls: "op-head" },
      el("span", { cls: "method " + op.http.toLowerCase(), text: op.http }),
      el("code", { cls: "path", text: op.path }),
      el("code", { cls: "call", text: "client." + op.call + "()" }));
    section.appendChild(el("h2", { id: "op-title", text: op.summary || op.id }));
    section.appendChild(head);
    if (op.doc) section.appendChild(el("p", { cls: "doc", text: op.doc }));
    var fields = [];
    var groups = { path: "Path parameters", query: "Query parameters", header: "Headers", cookie: "Cookies", body: "Body" };
    Object.keys(groups).forEach(function (where) {
      var params = op.params.filter(function (p) { return p.in === where; });
      if (!params.length) return;
      var group = el("fieldset", { cls: "group", id: "group-" + where });
      group.appendChild(el("legend", { text: groups[where] }));
      params.forEach(function (p) {
        var w = buildField({ label: p.name, type: p.type, required: p.required, doc: p.doc, default: p.default }, p.name, "param-" + p.name);
        group.appendChild(w.node);
        fields.push({ p: p, w: w });
      });
      section.appendChild(group);
    });
    var problemsBox = el("ul", { id: "problems", cls: "problems", "aria-live": "polite" });
    var sendNote = el("p", { id: "send-note", cls: "note" });
    var send = el("button", { type: "button", id: "send", cls: "send", text: "Send" });
    send.addEventListener("click", function () { sendRequest(); });
    section.appendChild(el("div", { cls: "send-box" }, problemsBox, send, sendNote));
    var snippets = {};
    var snippetBox = el("div", { id: "snippets", cls: "panel" }, el("h3", { text: "Code snippet" }), el("p", { cls: "note", text: "Updates live as you fill in the form above." }));
    [["python", "Python"], ["curl", "curl"], ["typescript", "TypeScript (fetch)"]].forEach(function (pair) {
      var pre = el("pre", { id: "snippet-" + pair[0], cls: "snippet" });
      snippets[pair[0]] = pre;
      snippetBox.appendChild(el("h4", { text: pair[1] }));
      snippetBox.appendChild(pre);
    });
    section.appendChild(snippetBox);
    var response = el("div", { id: "response", cls: "panel" }, el("h3", { text: "Response" }), el("p", { cls: "note", text: "Nothing sent yet." }));
    section.appendChild(response);
    view = { op: op, fields: fields, problemsBox: problemsBox, send: send, sendNote: sendNote, snippets: snippets, response: response };
    document.querySelectorAll("#nav-list a").forEach(function (a) { a.classList.toggle("current", a.getAttribute("data-n") === String(n)); });
    update();
  }

  // The form's state: {parameters, body, problems} with values keyed as the client's arguments.
  function formState() {
    var problems = [];
    var args = {};
    var unsupported = false;
    view.fields.forEach(function (x) {
      var v = x.w.value(x.p.name, problems);
      if (x.w.unsupported()) unsupported = true;
      if (v === undefined) {
        if (x.p.required) problems.push({ path: x.p.name, message: x.p.name + ": is required" });
        return;
      }
      args[x.p.name] = v;
      if (x.p.rule) check(x.p.name, v, x.p.rule, problems);
    });
    var op = view.op;
    var parameters = {};
    var body;
    op.params.forEach(function (p) {
      if (!(p.name in args)) return;
      if (p.in !== "body") parameters[p.name] = args[p.name];
      else if (op.body && op.body.flattened) { body = body || {}; body[p.wire] = args[p.name]; }
      else body = args[p.name];
    });
    if (op.body && op.body.flattened && body === undefined && op.body.required) body = {};
    if (op.body && op.body.kind !== "json") unsupported = true;
    return { args: args, parameters: parameters, body: body, problems: problems, unsupported: unsupported };
  }

  var pending = false;
  function scheduleUpdate() {
    // Rebuilt on every input, synchronously: a snippet never lags behind a keystroke.
    update();
  }

  function update() {
    if (!view) return;
    var state = formState();
    var box = view.problemsBox;
    clear(box);
    document.querySelectorAll(".field.invalid").forEach(function (n) { n.classList.remove("invalid"); });
    state.problems.forEach(function (p) {
      box.appendChild(el("li", { text: p.message }));
      var top = /^[^.\[]*/.exec(p.path)[0];
      view.fields.forEach(function (x) { if (x.p.name === top) x.w.node.classList.add("invalid"); });
    });
    var gateway = gatewayUrl();
    var blocked = state.problems.length > 0 || !gateway || state.unsupported;
    view.send.disabled = blocked;
    view.sendNote.textContent = !gateway ? "Enter a gateway URL above to enable sending." :
      state.unsupported ? "This operation's body cannot be sent from this page." :
      state.problems.length ? "Fix the problems above to enable sending." : "";
    view.snippets.python.textContent = pythonSnippet(view.op, state);
    view.snippets.curl.textContent = curlSnippet(view.op, state);
    view.snippets.typescript.textContent = tsSnippet(view.op, state);
    view.state = state;
  }

  // --- snippets --------------------------------------------------------------------------
  //
  // The docs' renderer (generator/docs/snippets.py: python, curl, typescript) written again in
  // JavaScript, rule for rule, so that the page's snippet and the docs' snippet for the same values are
  // the same text. What the docs derive from the IR (call path, result name, environment variable,
  // credential template, the unsafe characters) arrives computed in META.snip and op.snip. The key is
  // read from the environment, as in the docs: what is typed in the page never appears in a snippet.

  var SNIP = META.snip;
  var NO_BODY = {};

  function codePoints(s) { return Array.from(s); }
  function pyLen(s) { return codePoints(s).length; }
  function count(s, sub) { return s.split(sub).length - 1; }
  function replaceAll(s, a, b) { return s.split(a).join(b); }
  function hex(n, width) { var t = n.toString(16); while (t.length < width) t = "0" + t; return t; }

  function isUnsafe(cp) {
    for (var i = 0; i < SNIP.unsafe.length; i++) if (cp >= SNIP.unsafe[i][0] && cp <= SNIP.unsafe[i][1]) return true;
    return false;
  }

  // escape.escape_unsafe: every unsafe character as its Python escape sequence.
  function escapeUnsafe(text) {
    return codePoints(text).map(function (ch) {
      var cp = ch.codePointAt(0);
      if (!isUnsafe(cp)) return ch;
      if (ch === "\n") return "\\n";
      if (ch === "\r") return "\\r";
      if (ch === "\t") return "\\t";
      return cp <= 0xff ? "\\x" + hex(cp, 2) : cp <= 0xffff ? "\\u" + hex(cp, 4) : "\\U" + hex(cp, 8);
    }).join("");
  }

  // escape.literal: black's quotes, no unsafe character raw.
  function pyStrLiteral(value) {
    var double = escapeUnsafe(JSON.stringify(value));
    if (value.indexOf('"') < 0 || count(value, '"') <= count(value, "'")) return double;
    var body = replaceAll(replaceAll(value, "\\", "\\\\"), "'", "\\'");
    var inner = replaceAll(replaceAll(JSON.stringify(body).slice(1, -1), '\\"', '"'), "\\\\", "\\");
    var single = "'" + escapeUnsafe(inner) + "'";
    return count(single, "\\") < count(double, "\\") ? single : double;
  }

  // Python's repr of a number (the form's numbers are JSON numbers: an integral one is an int).
  function pyNumber(n) {
    if (Number.isInteger(n)) return BigInt(n).toString();
    if (n !== n) return "NaN";
    if (!isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
    var parts = n.toExponential().split("e");
    var exp = Number(parts[1]);
    if (exp >= -4 && exp < 16) return String(n);
    var e = Math.abs(exp);
    return parts[0] + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : String(e));
  }

  // literals.py_literal
  function pyLit(v) {
    if (typeof v === "string") return pyStrLiteral(v);
    if (v === null || v === undefined) return "None";
    if (v === true) return "True";
    if (v === false) return "False";
    if (typeof v === "number") {
      if (!isFinite(v)) return 'float("' + (v !== v ? "nan" : v > 0 ? "inf" : "-inf") + '")';
      return pyNumber(v).replace("e+", "e");
    }
    if (Array.isArray(v)) return "[" + v.map(pyLit).join(", ") + "]";
    return "{" + Object.keys(v).map(function (k) { return pyLit(k) + ": " + pyLit(v[k]); }).join(", ") + "}";
  }

  function isContainer(v) { return v !== null && typeof v === "object"; }
  function isEmpty(v) { return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0; }

  // snippets._py_source
  function pySource(value, indent) {
    var flat = pyLit(value);
    if (pyLen(indent) + pyLen(flat) + 30 <= SNIP.width || !isContainer(value) || isEmpty(value)) return flat;
    var inner = indent + "    ";
    if (!Array.isArray(value)) {
      return "{\n" + Object.keys(value).map(function (k) { return inner + pyLit(k) + ": " + pySource(value[k], inner) + ",\n"; }).join("") + indent + "}";
    }
    return "[\n" + value.map(function (v) { return inner + pySource(v, inner) + ",\n"; }).join("") + indent + "]";
  }

  // snippets._py_args
  function pyArgs(fn, args, indent) {
    var oneLine = fn + "(" + args.join(", ") + ")";
    if (pyLen(indent) + pyLen(oneLine) + 12 <= SNIP.width && oneLine.indexOf("\n") < 0) return oneLine;
    var inner = indent + "    ";
    return fn + "(\n" + args.map(function (a) { return inner + a + ",\n"; }).join("") + indent + ")";
  }

  // The form's values as the docs' Example: [{p, value}] in the client's order.
  function exampleOf(op, state) {
    return op.snip.order.map(function (i) { return op.params[i]; })
      .filter(function (p) { return p.name in state.args; })
      .map(function (p) { return { p: p, value: state.args[p.name] }; });
  }

  function at(ex, where) { return ex.filter(function (a) { return a.p["in"] === where; }); }

  function streams(op, ex) {
    var s = op.snip.stream;
    if (!s) return false;
    if (s.flag === null || s.flag === undefined) return true;
    return ex.some(function (a) { return a.p.name === s.flag && a.value === true; });
  }

  function pythonSnippet(op, state) {
    var ex = exampleOf(op, state);
    var lines = [];
    var key = SNIP.key;
    if (key !== null) lines.push("import os");
    if (lines.length) lines.push("");
    lines.push("from " + SNIP["package"] + " import Client");
    lines.push("");
    var options = SNIP.cred && key !== null ? [SNIP.cred.argument + "=os.environ[" + pyLit(key) + "]"] : [];
    var args = ex.map(function (a) {
      var text = pySource(a.value, "    ");
      return a.p.positional ? text : a.p.name + "=" + text;
    });
    var call = pyArgs(op.snip.target + "." + op.snip.method, args, "");
    var result = op.snip.result;
    var body = [];
    if (streams(op, ex)) {
      var event = op.snip.stream.envelope ? "event.event" : "event";
      body.push("with " + call + " as stream:", "    for event in stream:", "        print(" + event + ")");
    } else if (op.snip.paginated) {
      body.push("for item in " + call + ":", "    print(item)");
    } else if (op.snip.response === "none") {
      body.push(call);
    } else {
      body.push(result + " = " + call, "print(" + result + ")");
    }
    lines.push("client = " + pyArgs("Client", options, ""));
    return lines.concat(body).join("\n") + "\n";
  }

  // --- the request on the wire (snippets.py: _scalar, wire_path, wire_query, wire_headers, json_body)

  function pyJsonNumber(n) { return pyNumber(n); }

  // json.dumps(value, separators=(",", ":"), ensure_ascii=False)
  function jsonCompact(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "number") return pyJsonNumber(v);
    if (typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
    if (Array.isArray(v)) return "[" + v.map(jsonCompact).join(",") + "]";
    return "{" + Object.keys(v).map(function (k) { return JSON.stringify(k) + ":" + jsonCompact(v[k]); }).join(",") + "}";
  }

  function scalar(v) {
    if (v === true) return "true";
    if (v === false) return "false";
    if (v === null || v === undefined) return "";
    if (typeof v === "object") return jsonCompact(v);
    if (typeof v === "number") return pyNumber(v);
    return String(v);
  }

  // A list's items as strings; an object's [key, value] pairs.
  function items(v) {
    if (Array.isArray(v)) return v.map(scalar);
    if (isContainer(v)) return Object.keys(v).map(function (k) { return [k, scalar(v[k])]; });
    return null;
  }

  // urllib.parse.quote(text, safe): UTF-8, letters, digits and "_.-~" always kept.
  function quote(text, safe) {
    var bytes = new TextEncoder().encode(text);
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i], ch = String.fromCharCode(b);
      if (b < 128 && (/[A-Za-z0-9_.\-~]/.test(ch) || safe.indexOf(ch) >= 0)) out += ch;
      else out += "%" + hex(b, 2).toUpperCase();
    }
    return out;
  }

  var PATH_SAFE = "/:@!$&'()*+,;=-._~%";
  var PCHAR_SAFE = "!$&'()*+,;=:@";
  var COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~";

  function wirePath(op, ex) {
    function substitute(whole, name) {
      var arg = at(ex, "path").filter(function (a) { return a.p.wire === name; })[0];
      if (!arg) return whole;
      var value = arg.value, style = arg.p.style || "simple", explode = arg.p.explode !== false;
      var its = items(value);
      var enc = its === null ? null : its.map(function (i) {
        if (typeof i === "string") return quote(i, "");
        return explode ? quote(i[0], "") + "=" + quote(i[1], "") : quote(i[0], "") + "," + quote(i[1], "");
      });
      if (style === "label") return "." + (enc === null ? quote(scalar(value), "") : enc.join(explode ? "." : ","));
      if (style === "matrix") {
        var key = quote(name, "");
        if (enc === null) return ";" + key + "=" + quote(scalar(value), "");
        if (!explode) return ";" + key + "=" + enc.join(",");
        return enc.map(function (e) { return Array.isArray(value) ? ";" + key + "=" + e : ";" + e; }).join("");
      }
      return enc === null ? quote(scalar(value), PCHAR_SAFE) : enc.join(",");
    }
    var parts = op.path.split("#")[0].split(/(\{[^{}]+\})/);
    return parts.map(function (part, i) {
      return i % 2 ? part.replace(/\{([^{}]+)\}/g, substitute) : quote(part, PATH_SAFE);
    }).join("");
  }

  function queryPairs(key, value, p) {
    var style = p ? (p.style || null) : null;
    var explode = p ? p.explode !== false : true;
    if (value === null && p) return [[key, ""]];
    var isObject = isContainer(value) && !Array.isArray(value);
    if (style === null || (style === "form" && explode && !isObject)) {
      if (Array.isArray(value)) return value.map(function (v) { return [key, scalar(v)]; });
      if (isObject) return [].concat.apply([], Object.keys(value).map(function (sub) { return queryPairs(key + "[" + sub + "]", value[sub], null); }));
      return [[key, scalar(value)]];
    }
    var its = items(value);
    if (its === null) return [[key, scalar(value)]];
    if (style === "deepObject") {
      if (isObject) return [].concat.apply([], Object.keys(value).map(function (sub) { return queryPairs(key + "[" + sub + "]", value[sub], null); }));
      return its.map(function (i) { return [key, i]; });
    }
    if (explode) return its.map(function (i) { return typeof i === "string" ? [key, i] : i; });
    var delimiter = { form: ",", spaceDelimited: " ", pipeDelimited: "|" }[style] || ",";
    var flat = [].concat.apply([], its.map(function (i) { return typeof i === "string" ? [i] : i; }));
    return [[key, flat.join(delimiter)]];
  }

  function wireQuery(ex) {
    var pairs = [];
    at(ex, "query").forEach(function (a) { pairs = pairs.concat(queryPairs(a.p.wire, a.value, a.p)); });
    return pairs;
  }

  function jsonBody(op, ex) {
    var body = op.body;
    if (!body || body.kind !== "json") return NO_BODY;
    var given = at(ex, "body");
    if (body.flattened) {
      var out = {};
      given.forEach(function (a) { out[a.p.wire] = a.value; });
      return out;
    }
    return given.length ? given[0].value : NO_BODY;
  }

  function cookieTexts(ex) {
    return at(ex, "cookie").map(function (a) { return a.p.wire + "=" + quote(scalar(a.value), COOKIE_SAFE); });
  }

  function wireHeaders(op, ex) {
    var headers = META.headers.map(function (h) { return [h[0], h[1]]; }).concat((op.headers || []).map(function (h) { return [h[0], h[1]]; }));
    at(ex, "header").forEach(function (a) {
      var its = items(a.value);
      var text = its === null ? scalar(a.value) : its.map(function (i) {
        return typeof i === "string" ? i : a.p.explode !== false ? i[0] + "=" + i[1] : i[0] + "," + i[1];
      }).join(",");
      headers.push([a.p.wire, text]);
    });
    var cookies = cookieTexts(ex);
    if (cookies.length) headers.push(["Cookie", cookies.join("; ")]);
    var body = op.body;
    if (body && (jsonBody(op, ex) !== NO_BODY || ((body.kind === "text" || body.kind === "binary") && at(ex, "body").length)))
      headers.push(["Content-Type", body.type]);
    return headers;
  }

  function wireUrl(op, ex) {
    return SNIP.base_url.replace(/\/+$/, "") + wirePath(op, ex);
  }

  // A form's (name, value) pairs, a list's items each under its name.
  function formItems(op, ex) {
    var given = at(ex, "body");
    var values = op.body.flattened ? given.map(function (a) { return [a.p.wire, a.value]; }) :
      given.length && isContainer(given[0].value) && !Array.isArray(given[0].value) ? Object.keys(given[0].value).map(function (k) { return [k, given[0].value[k]]; }) : [];
    var pairs = [];
    values.forEach(function (nv) { (Array.isArray(nv[1]) ? nv[1] : [nv[1]]).forEach(function (item) { pairs.push([nv[0], item]); }); });
    return pairs;
  }

  // --- curl

  function shQuote(text) { return "'" + replaceAll(text, "'", "'\\''") + "'"; }

  function shWithKey(before, variable, after) {
    if (!/[$`\\"!\n]/.test(before + after)) return '"' + before + "$" + variable + after + '"';
    var parts = before ? [shQuote(before)] : [];
    parts.push('"$' + variable + '"');
    if (after) parts.push(shQuote(after));
    return parts.join("");
  }

  // snippets.json_text: json.dumps(indent=...) with strings through js_string.
  function jsString(text) {
    return codePoints(JSON.stringify(text)).map(function (ch) {
      var cp = ch.codePointAt(0);
      if (!isUnsafe(cp)) return ch;
      if (cp > 0xffff) {
        var c = cp - 0x10000;
        return "\\u" + hex(0xd800 + (c >> 10), 4) + "\\u" + hex(0xdc00 + (c & 0x3ff), 4);
      }
      return "\\u" + hex(cp, 4);
    }).join("");
  }

  function jsonText(value, indent, level) {
    var here = indent.repeat(level), inner = indent.repeat(level + 1);
    if (Array.isArray(value)) {
      if (!value.length) return "[]";
      return "[\n" + value.map(function (v) { return inner + jsonText(v, indent, level + 1); }).join(",\n") + "\n" + here + "]";
    }
    if (isContainer(value)) {
      var keys = Object.keys(value);
      if (!keys.length) return "{}";
      return "{\n" + keys.map(function (k) { return inner + jsString(k) + ": " + jsonText(value[k], indent, level + 1); }).join(",\n") + "\n" + here + "}";
    }
    if (typeof value === "string") return jsString(value);
    if (typeof value === "number") return pyJsonNumber(value);
    return JSON.stringify(value === undefined ? null : value);
  }

  function curlSnippet(op, state) {
    var ex = exampleOf(op, state);
    var url = wireUrl(op, ex), query = wireQuery(ex);
    var key = SNIP.key, cred = SNIP.cred;
    var withKey = cred && key !== null;
    var encoded = query.map(function (q) { return quote(q[0], "") + "=" + quote(q[1], ""); }).join("&");
    var urlWord;
    if (withKey && cred["in"] === "query") {
      var prefix = url + "?" + (encoded ? encoded + "&" : "") + quote(cred.name, "") + "=";
      urlWord = shWithKey(prefix + cred.before, key, cred.after);
    } else urlWord = shQuote(url + (encoded ? "?" + encoded : ""));
    var method = op.http.toUpperCase();
    var first = "curl" + (streams(op, ex) ? " -N" : "") + (method === "GET" ? "" : " -X " + method) + " " + urlWord;
    var options = [];
    if (withKey && cred["in"] === "header") options.push("-H " + shWithKey(cred.name + ": " + cred.before, key, cred.after));
    var cookieAuth = withKey && cred["in"] === "cookie";
    wireHeaders(op, ex).forEach(function (h) {
      if (h[0] === "Cookie" && cookieAuth) return;
      options.push("-H " + shQuote(h[0] + ": " + h[1]));
    });
    if (cookieAuth) options.push("-b " + shWithKey(cred.name + "=" + cred.before, key, cred.after + cookieTexts(ex).map(function (c) { return "; " + c; }).join("")));
    var body = op.body, given = at(ex, "body"), json = jsonBody(op, ex);
    if (json !== NO_BODY) options.push("-d " + shQuote(jsonText(json, "  ", 0)));
    else if (body && given.length) {
      if (body.kind === "form" || body.kind === "multipart") {
        formItems(op, ex).forEach(function (nv) {
          if (body.kind === "multipart") options.push("--form-string " + shQuote(nv[0] + "=" + scalar(nv[1])));
          else options.push("--data-urlencode " + shQuote(nv[0] + "=" + scalar(nv[1])));
        });
      } else options.push("--data-binary " + shQuote(scalar(given[0].value)));
    } else if (body && body.flattened && body.kind === "multipart") {
      options.push("-H 'Content-Type: multipart/form-data; boundary=empty'", "--data-binary $'--empty--\\r\\n'");
    } else if (body && body.flattened && body.kind === "form") {
      options.push("-H 'Content-Type: application/x-www-form-urlencoded'", "-d ''");
    }
    return [first].concat(options).join(" \\\n  ") + "\n";
  }

  // --- TypeScript

  function tsSnippet(op, state) {
    var ex = exampleOf(op, state);
    var url = wireUrl(op, ex), query = wireQuery(ex);
    var key = SNIP.key, cred = SNIP.cred;
    var withKey = cred && key !== null;
    var lines = [];
    if (key !== null) {
      lines.push("const apiKey = process.env[" + jsString(key) + "];",
        "if (apiKey === undefined) throw new Error(" + jsString("Set the " + key + " environment variable.") + ");", "");
    }
    lines.push("const url = new URL(" + jsString(url) + ");");
    query.forEach(function (q) { lines.push("url.searchParams.append(" + jsString(q[0]) + ", " + jsString(q[1]) + ");"); });
    var headers = [];
    if (withKey) {
      var keyed = (cred.before ? [jsString(cred.before)] : []).concat(["apiKey"], cred.after ? [jsString(cred.after)] : []).join(" + ");
      if (cred["in"] === "query") lines.push("url.searchParams.append(" + jsString(cred.name) + ", " + keyed + ");");
      else if (cred["in"] === "header") headers.push("    " + jsString(cred.name) + ": " + keyed + ",");
    }
    var cookieAuth = withKey && cred["in"] === "cookie";
    wireHeaders(op, ex).forEach(function (h) {
      if (h[0] === "Cookie" && cookieAuth) return;
      if (h[0] === "Content-Type" && op.body && (op.body.kind === "multipart" || op.body.kind === "form")) return;
      headers.push("    " + jsString(h[0]) + ": " + jsString(h[1]) + ",");
    });
    if (cookieAuth) {
      var after = cred.after + cookieTexts(ex).map(function (c) { return "; " + c; }).join("");
      headers.push('    "Cookie": ' + jsString(cred.name + "=" + cred.before) + " + apiKey" + (after ? " + " + jsString(after) : "") + ",");
    }
    lines.push("");
    var body = op.body, given = at(ex, "body"), json = jsonBody(op, ex), bodyText = null;
    if (json !== NO_BODY) bodyText = "JSON.stringify(" + jsonText(json, "  ", 1) + ")";
    else if (body && (given.length || (body.flattened && (body.kind === "form" || body.kind === "multipart")))) {
      if (body.kind === "form" || body.kind === "multipart") {
        lines.push("const form = " + (body.kind === "form" ? "new URLSearchParams()" : "new FormData()") + ";");
        formItems(op, ex).forEach(function (nv) { lines.push("form.append(" + jsString(nv[0]) + ", " + jsString(scalar(nv[1])) + ");"); });
        lines.push("");
        bodyText = "form";
      } else bodyText = jsString(scalar(given[0].value));
    }
    lines.push("const response = await fetch(url, {");
    lines.push("  method: " + jsString(op.http.toUpperCase()) + ",");
    if (headers.length) lines.push("  headers: {", ...headers, "  },");
    if (bodyText !== null) lines.push("  body: " + bodyText + ",");
    lines.push("});");
    lines.push("if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);");
    var kind = op.snip.response;
    if (streams(op, ex) || kind === "text") lines.push("console.log(await response.text());");
    else if (kind === "json") lines.push("const " + op.snip.ts + ": unknown = await response.json();", "console.log(" + op.snip.ts + ");");
    else if (kind === "binary") lines.push("const data = new Uint8Array(await response.arrayBuffer());", "console.log(data.length);");
    else lines.push("console.log(response.status);");
    return lines.join("\n") + "\n";
  }

  // --- sending through the gateway ---------------------------------------------------------

  var gatewayInput = null;
  var credentialInput = null;

  function gatewayUrl() {
    var text = gatewayInput ? gatewayInput.value.trim() : "";
    if (!text) return "";
    try {
      var url = new URL(text);
      if (url.protocol !== "http:" && url.protocol !== "https:") return "";
      return url.origin + url.pathname.replace(/\/+$/, "");
    } catch (e) { return ""; }
  }

  function sendRequest() {
    if (!view || view.send.disabled) return;
    var state = view.state;
    var panel = view.response;
    clear(panel);
    panel.appendChild(el("h3", { text: "Response" }));
    var status = el("p", { id: "response-status", text: "Sending…" });
    var headersBox = el("table", { id: "response-headers", cls: "headers" });
    var events = el("ol", { id: "response-events", cls: "events" });
    var bodyBox = el("pre", { id: "response-body", cls: "body" });
    panel.appendChild(status);
    panel.appendChild(headersBox);
    panel.appendChild(events);
    panel.appendChild(bodyBox);
    var started = performance.now();
    var payload = { operation: view.op.id, parameters: state.parameters, body: state.body === undefined ? null : state.body };
    fetch(gatewayUrl() + "/__tryit/send", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
      credentials: "omit", redirect: "error", cache: "no-store", referrerPolicy: "no-referrer",
    }).then(function (res) {
      var framed = (res.headers.get("content-type") || "").indexOf("application/x-ndjson") === 0;
      if (!framed) {
        return res.text().then(function (text) {
          var message = text;
          try { var j = JSON.parse(text); message = (j.problems || [j.error]).join("\n"); } catch (e) {}
          status.textContent = "The gateway refused: " + res.status + " (" + Math.round(performance.now() - started) + " ms)";
          bodyBox.textContent = message;
        });
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var text = "";
      var sse = null;
      var contentType = "";
      function onLine(line) {
        if (!line) return;
        var msg = JSON.parse(line);
        if (msg.status !== undefined) {
          status.textContent = "Status " + msg.status + " · " + Math.round(performance.now() - started) + " ms";
          status.setAttribute("data-status", String(msg.status));
          msg.headers.forEach(function (h) { headersBox.appendChild(el("tr", null, el("th", { text: h[0] }), el("td", { text: h[1] }))); if (h[0].toLowerCase() === "content-type") contentType = h[1]; });
          if (contentType.indexOf("text/event-stream") === 0) sse = { buffer: "" };
        } else if (msg.chunk !== undefined) {
          text += msg.chunk;
          if (sse) {
            sse.buffer += msg.chunk;
            var blocks = sse.buffer.split(/\r?\n\r?\n/);
            sse.buffer = blocks.pop();
            blocks.forEach(function (block) {
              var name = "message", data = [];
              block.split(/\r?\n/).forEach(function (l) {
                if (l.indexOf("event:") === 0) name = l.slice(6).trim();
                else if (l.indexOf("data:") === 0) data.push(l.slice(5).replace(/^ /, ""));
              });
              if (!data.length && name === "message") return;
              events.appendChild(el("li", { cls: "event" }, el("strong", { text: name }), " ", el("code", { text: data.join("\n") })));
            });
          } else bodyBox.textContent = text;
        } else if (msg.end) {
          status.textContent = status.textContent.replace(/ · \d+ ms$/, "") + " · " + Math.round(performance.now() - started) + " ms";
          if (!sse) {
            try { bodyBox.textContent = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { bodyBox.textContent = text; }
          }
        } else if (msg.error) {
          bodyBox.textContent = "Gateway error: " + msg.error;
        }
      }
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) { onLine(buffer); return; }
          buffer += decoder.decode(r.value, { stream: true });
          var lines = buffer.split("\n");
          buffer = lines.pop();
          lines.forEach(onLine);
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      status.textContent = "Could not reach the gateway: " + e.message;
    });
  }

  // --- settings: credentials, gateway, remember / forget ------------------------------------

  function setupSettings() {
    var authFields = document.getElementById("auth-fields");
    var help = document.getElementById("auth-help");
    if (META.auth) {
      help.textContent = "Configure credentials for " + META.title + " (" + META.auth["in"] + " " + META.auth.name + "). The snippets read it from the environment" + (META.snip.key ? " (" + META.snip.key + ")" : "") + ", as the docs do, and it is never sent from this page: the gateway injects its own.";
      credentialInput = el("input", { type: "password", id: "credential", autocomplete: "off", placeholder: META.auth.template.replace("{key}", "…") });
      credentialInput.value = store.get("credential:" + META.auth.name);
      credentialInput.addEventListener("input", function () { store.set("credential:" + META.auth.name, credentialInput.value); note("Saved to " + (store.remembered() ? "localStorage" : "sessionStorage") + "."); update(); });
      authFields.appendChild(el("label", null, META.auth.name + " ", credentialInput));
    } else help.textContent = "This API declares no security scheme.";
    gatewayInput = document.getElementById("gateway-url");
    gatewayInput.value = store.get("gateway");
    gatewayInput.addEventListener("input", function () { store.set("gateway", gatewayInput.value.trim()); note("Saved to " + (store.remembered() ? "localStorage" : "sessionStorage") + "."); update(); });
    var remember = document.getElementById("remember");
    remember.checked = store.remembered();
    remember.addEventListener("change", function () { store.setRemember(remember.checked); note(remember.checked ? "Remembered in localStorage." : "Kept for this tab only."); });
    document.getElementById("forget").addEventListener("click", function () {
      store.forget();
      remember.checked = false;
      if (credentialInput) credentialInput.value = "";
      gatewayInput.value = "";
      note("Forgotten.");
      update();
    });
  }

  function note(text) { document.getElementById("storage-note").textContent = text; }

  // --- navigation ------------------------------------------------------------------------

  function setupNav() {
    document.getElementById("api-title").textContent = META.title;
    document.getElementById("api-version").textContent = META.version;
    var list = document.getElementById("nav-list");
    var groups = {};
    var order = [];
    META.ops.forEach(function (op, n) {
      if (!(op.res in groups)) { groups[op.res] = []; order.push(op.res); }
      groups[op.res].push(n);
    });
    var frag = document.createDocumentFragment();
    order.forEach(function (res) {
      var details = el("details", { open: "" }, el("summary", { text: res }));
      groups[res].forEach(function (n) {
        var op = META.ops[n];
        details.appendChild(el("a", { href: "#op=" + encodeURIComponent(op.id), "data-n": String(n), "data-id": op.id, title: op.http + " " + op.path },
          el("span", { cls: "method " + op.http.toLowerCase(), text: op.http }), " " + op.m + (op.summary ? " — " + op.summary : "")));
      });
      frag.appendChild(details);
    });
    list.appendChild(frag);
    document.getElementById("nav-filter").addEventListener("input", function (e) {
      var q = e.target.value.toLowerCase();
      list.querySelectorAll("a").forEach(function (a) { a.hidden = q !== "" && a.textContent.toLowerCase().indexOf(q) < 0 && a.getAttribute("data-id").toLowerCase().indexOf(q) < 0; });
    });
    window.addEventListener("hashchange", route);
  }

  function route() {
    var m = /^#op=(.*)$/.exec(location.hash);
    var n = 0;
    if (m) {
      var id = decodeURIComponent(m[1]);
      for (var i = 0; i < META.ops.length; i++) if (META.ops[i].id === id) { n = i; break; }
    }
    if (!META.ops.length) {
      var section = document.getElementById("operation");
      clear(section);
      section.appendChild(el("p", { text: "This API has no operations." }));
      return;
    }
    showOperation(n);
  }

  // Served by a gateway: offer its own origin (nothing is set until asked).
  if (location.protocol === "http:" || location.protocol === "https:") {
    var use = el("button", { type: "button", id: "use-origin", cls: "small", text: "Use this page's gateway (" + location.origin + ")" });
    use.addEventListener("click", function () {
      gatewayInput.value = location.origin;
      gatewayInput.dispatchEvent(new Event("input"));
    });
    document.getElementById("gateway-box").appendChild(use);
  }
  setupSettings();
  setupNav();
  route();
  // For bench/tryit.py: when the first operation's form stood in the document.
  if (window.performance && performance.mark) performance.mark("tryit-first-operation");
  window.__tryit = {
    check: check, meta: META,
    // The snippets for operation n and the client's arguments (what the form would hold), for tests.
    snippets: function (n, args) {
      var op = opBlob(n), state = { args: args };
      return { python: pythonSnippet(op, state), curl: curlSnippet(op, state), typescript: tsSnippet(op, state) };
    },
  };
})();
