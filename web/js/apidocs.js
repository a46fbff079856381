// apidocs renders the API description (GET /v1/openapi.json) as a page: the operations grouped by function, each
// with its parameters, request body and answers, and the problem types each error answer can carry. It builds
// the page with DOM calls only (no HTML from the description is ever parsed), and needs no library.

const problemBase = "https://partnerhub.dev/problems/";

/** el makes an element with text and children. */
function el(tag, text, ...children) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  for (const child of children) if (child) node.append(child);
  return node;
}

/** typeName is a schema's short name: its component, or its JSON type. */
function typeName(schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map(typeName).join(" or ");
  if (schema.allOf) return typeName(schema.allOf[0]);
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : schema.type || "any";
  return type === "array" && schema.items ? `array of ${typeName(schema.items)}` : type;
}

/** properties lists a component's properties as a definition list, one level deep. */
function properties(spec, schema) {
  const name = schema && schema.$ref ? schema.$ref.split("/").pop() : "";
  const target = name ? spec.components.schemas[name] : schema;
  if (!target || !target.properties) return null;
  const required = new Set(target.required || []);
  const list = el("dl", "", null);
  list.className = "api-props";
  for (const [prop, s] of Object.entries(target.properties)) {
    list.append(el("dt", `${prop}${required.has(prop) ? "" : " (optional)"}`), el("dd", typeName(s)));
  }
  return list;
}

/** problemSlugs lists the slugs an error answer's schema allows. */
function problemSlugs(schema) {
  const parts = (schema && schema.allOf) || [];
  for (const part of parts) {
    const type = part.properties && part.properties.type;
    if (type && type.enum) return type.enum.map((t) => t.replace(problemBase, ""));
  }
  return [];
}

function operation(spec, method, path, op) {
  const section = el("section");
  section.className = "api-op";
  const id = op.operationId;
  section.id = id;
  section.append(el("h3", `${method.toUpperCase()} ${path}`));
  section.append(el("p", `${op.summary}. ${op.security && op.security.length ? "Needs a session." : "Public."}`));

  if (op.parameters && op.parameters.length) {
    const list = el("ul");
    for (const p of op.parameters) {
      const values = p.schema && p.schema.enum ? ` One of: ${p.schema.enum.join(", ")}.` : "";
      list.append(el("li", `${p.name} (${p.in}${p.required ? ", required" : ""}): ${p.description || ""}${values}`));
    }
    section.append(el("h4", "Parameters"), list);
  }
  if (op.requestBody) {
    const [media, body] = Object.entries(op.requestBody.content)[0];
    section.append(el("h4", `Request body (${Object.keys(op.requestBody.content).join(", ")})`));
    section.append(el("p", typeName(body.schema)), media === "application/json" ? properties(spec, body.schema) : null);
  }
  const answers = el("dl");
  answers.className = "api-answers";
  for (const [status, answer] of Object.entries(op.responses)) {
    const content = answer.content ? Object.entries(answer.content)[0] : null;
    const detail = el("dd", answer.description);
    if (content && content[0] === "application/problem+json") {
      detail.textContent = `Problem: ${problemSlugs(content[1].schema).join(", ")}`;
    } else if (content) {
      detail.textContent = `${answer.description} ${typeName(content[1].schema)} (${content[0]})`;
    }
    answers.append(el("dt", status), detail);
  }
  section.append(el("h4", "Answers"), answers);
  return section;
}

async function render() {
  const status = document.getElementById("api-status");
  let spec;
  try {
    const resp = await fetch("/v1/openapi.json", { headers: { accept: "application/json" } });
    if (!resp.ok) throw new Error(`status ${resp.status}`);
    spec = await resp.json();
  } catch (err) {
    status.textContent = `The description could not be loaded (${err.message}). Reload to try again.`;
    return;
  }
  const byTag = new Map((spec.tags || []).map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([method, path, op]);
    }
  }
  const toc = document.getElementById("api-toc");
  const tocList = el("ul");
  const out = document.getElementById("api-operations");
  for (const [tag, ops] of byTag) {
    if (!ops.length) continue;
    const group = el("section");
    group.id = `tag-${tag}`;
    const info = (spec.tags || []).find((t) => t.name === tag);
    group.append(el("h2", tag), info ? el("p", info.description) : null);
    ops.sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
    for (const [method, path, op] of ops) group.append(operation(spec, method, path, op));
    out.append(group);
    const link = el("a", `${tag} (${ops.length})`);
    link.href = `#tag-${tag}`;
    tocList.append(el("li", "", link));
  }
  toc.append(tocList);
  toc.hidden = false;
  status.textContent = `${spec.info.title} ${spec.info.version}: ${Object.values(spec.paths).reduce((n, i) => n + Object.keys(i).length, 0)} operations.`;
}

render();
