// Sends real requests to a running telemetryd and checks every answer against docs/openapi.yaml: the status must
// be documented for the operation, the media type too, and the body must match its schema. Every operation of
// the description must be exercised. Exit code 0 when all is well; otherwise each problem on stderr.
//
//   node tests/openapi/check_responses.mjs http://127.0.0.1:PORT docs/openapi.yaml ADMIN_TOKEN [FULL_DISK_URL]
//
// The server runs with --auth token; every request carries the admin token unless it says `anonymous`. The
// optional second server, with the same token, has less free disk than it keeps (--min-free-mb): its writes' 507s
// are checked too.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const [base, specPath, adminToken, fullDiskBase] = process.argv.slice(2);
const specText = readFileSync(specPath, "utf8");
const spec = parse(specText);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, "openapi.json");

const problems = [];
const exercised = new Set();
const pointer = (...parts) => parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

// Resolves a local "$ref" ("#/components/responses/X") to its object and JSON pointer.
function resolve(object, at) {
  if (!object?.$ref) return [object, at];
  const path = object.$ref.slice(2).split("/");
  return resolve(path.reduce((o, key) => o[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec), "#/" + pointer(...path));
}

async function check(method, path, { body, headers = {}, expect, anonymous = false, token = adminToken, server = base } = {}) {
  const url = new URL(path, server);
  const template = url.pathname;
  if (!anonymous) headers = { Authorization: `Bearer ${token}`, ...headers };
  const answer = await fetch(url, { method, body, headers });
  const text = await answer.text();
  const what = `${method} ${path} -> ${answer.status}`;
  if (expect !== undefined && answer.status !== expect) problems.push(`${what}: expected ${expect}: ${text}`);
  const operation = spec.paths[template]?.[method.toLowerCase()];
  if (!operation) return problems.push(`${what}: the description has no such operation`);
  exercised.add(`${method} ${template}`);
  const [response, at] = resolve(operation.responses[String(answer.status)],
                                 "#/" + pointer("paths", template, method.toLowerCase(), "responses", answer.status));
  if (!response) return problems.push(`${what}: status not documented`);
  if (!response.content) {
    if (text !== "") problems.push(`${what}: documented without a body, got ${text.slice(0, 100)}`);
    return;
  }
  const mediaType = (answer.headers.get("content-type") ?? "").split(";")[0].trim();
  if (!response.content[mediaType]) return problems.push(`${what}: media type ${mediaType} not documented`);
  if (answer.status === 401 && !answer.headers.get("www-authenticate")) {
    problems.push(`${what}: 401 without WWW-Authenticate`);
  }
  let data = text;
  if (mediaType.endsWith("json")) {
    try {
      data = JSON.parse(text);
    } catch {
      return problems.push(`${what}: not JSON: ${text.slice(0, 100)}`);
    }
  }
  const validate = ajv.getSchema(`openapi.json${at}/${pointer("content", mediaType, "schema")}`);
  if (!validate(data)) problems.push(`${what}: ${ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`);
  return data;
}

const json = { "Content-Type": "application/json" };
const reading = JSON.stringify({ sensorID: "107", temperature: "12", time: "2021-10-04 09:00:00" });
await check("GET", "/api", { expect: 200, anonymous: true });
await check("GET", "/api/stats", { expect: 401, anonymous: true });
await check("POST", "/write?db=x", { body: "temperature,sensorID=9 value=1", expect: 401, anonymous: true });
await check("POST", "/api/v2/write?bucket=b", { body: "temperature,sensorID=9 value=1", expect: 401, anonymous: true });
const device = await check("POST", "/api/v1/tokens", { body: '{"role":"device","sensors":["107"]}', headers: json, expect: 201 });
await check("POST", "/api/v1/tokens", { body: '{"role":"device"}', headers: json, expect: 400 });
await check("POST", "/api/v1/tokens", { body: '{"role":"reader"}', headers: { "Content-Type": "text/plain" }, expect: 415 });
await check("GET", "/api/v1/tokens", { expect: 200 });
await check("GET", "/api/v1/tokens", { expect: 403, token: device.token });
await check("GET", "/api/stats", { expect: 403, token: device.token });
await check("PUT", "/api/temperature", { body: '{"sensorID":"108","temperature":1}', headers: json, expect: 403, token: device.token });
await check("POST", "/write?db=x", { body: "temperature,sensorID=108 value=1", expect: 403, token: device.token });
await check("POST", "/api/v2/write?bucket=b", { body: "temperature,sensorID=108 value=1", expect: 403, token: device.token });
await check("GET", "/query?q=SHOW%20DATABASES", { expect: 403, token: device.token });
await check("DELETE", `/api/v1/tokens?id=${device.id}`, { expect: 204 });
await check("DELETE", `/api/v1/tokens?id=${device.id}`, { expect: 404 });
await check("DELETE", "/api/v1/tokens?id=nope", { expect: 400 });
await check("GET", "/api/stats", { expect: 200 });
await check("PUT", "/api/temperature", { body: reading, headers: json, expect: 200 });
await check("PUT", "/api/temperature", { body: reading.replace('"12"', '"13"'), headers: json, expect: 409 });
await check("PUT", "/api/temperature", { body: '{"sensorID":"107","temperature":"abc"}', headers: json, expect: 400 });
await check("PUT", "/api/temperature", { body: reading, headers: { "Content-Type": "text/plain" }, expect: 415 });
await check("GET", "/api/stats", { expect: 200 });
await check("GET", "/api/v1/stats?sensorID=107", { expect: 200 });
await check("GET", "/api/v1/stats?sensorID=nobody", { expect: 200 });
await check("GET", "/api/v1/stats?from=yesterday", { expect: 400 });
await check("GET", "/api/v1/series?from=2021-10-04&to=2021-10-05&tz=Europe/Berlin", { expect: 200 });
await check("GET", "/api/v1/series?interval=1s", { expect: 400 });
await check("GET", "/api/v1/sensors?limit=1", { expect: 200 });
await check("GET", "/api/v1/sensors?limit=0", { expect: 400 });
await check("GET", "/api/v1/readings?sensorID=107", { expect: 200 });
await check("GET", "/api/v1/readings?sensorID=107", { headers: { Accept: "text/csv" }, expect: 200 });
await check("GET", "/api/v1/readings?sensorID=107&limit=all", { expect: 200 });
await check("GET", "/api/v1/readings?sensorID=107&limit=all&format=csv", { expect: 200 });
await check("GET", "/api/v1/readings?limit=1", { expect: 200 });
await check("GET", "/api/v1/readings?cursor=107", { expect: 400 });
await check("POST", "/api/v1/readings", { body: `[${reading}]`, headers: json, expect: 200 });
await check("POST", "/api/v1/readings", { body: '[{"sensorID":"x","temperature":1},{"sensorID":""}]', headers: json, expect: 400 });
await check("POST", "/api/v1/readings", { body: "{}", headers: json, expect: 400 });
await check("POST", "/api/v1/readings", { body: "[]", headers: { "Content-Type": "text/csv" }, expect: 415 });
await check("POST", "/write?db=x&precision=s", { body: "temperature,sensorID=9 value=1 1633338000", expect: 204 });
await check("POST", "/write?db=x", { body: "cpu usage=1", expect: 400 });
await check("POST", "/api/v2/write?bucket=b&precision=s", { body: "temperature,sensorID=9 value=2 1633338001", expect: 204 });
await check("POST", "/api/v2/write?org=o", { body: "temperature,sensorID=9 value=2", expect: 404 });
await check("POST", "/api/v2/write?bucket=b", { body: "nonsense", expect: 400 });
const influxql = (q) => `/query?db=x&q=${encodeURIComponent(q)}`;
await check("GET", influxql("SELECT mean(value), count(value) FROM temperature WHERE time >= '2021-10-04' AND " +
                            "time < '2021-10-05' GROUP BY time(1h), sensorID fill(null)") + "&epoch=ms", { expect: 200 });
await check("GET", influxql("SELECT * FROM temperature LIMIT 2; SHOW TAG VALUES WITH KEY = sensorID; SHOW RETENTION POLICIES"), { expect: 200 });
await check("GET", influxql("SELECT value FROM humidity"), { expect: 200 });
await check("GET", influxql("SELECT sample(value, 3) FROM temperature"), { expect: 400 });
await check("GET", influxql("SELECT last(value) FROM temperature WHERE sensorID = '107'"), { expect: 200 });
await check("GET", "/query?db=x", { expect: 400 });
await check("GET", influxql("SHOW MEASUREMENTS"), { expect: 401, anonymous: true });
await check("POST", "/query?db=x", { body: "q=SHOW+FIELD+KEYS&epoch=s",
                                     headers: { "Content-Type": "application/x-www-form-urlencoded" }, expect: 200 });
await check("GET", "/ping", { expect: 204, anonymous: true });
await check("GET", "/ping?verbose=true", { expect: 200, anonymous: true });
await check("GET", "/healthz", { expect: 200, anonymous: true });
await check("GET", "/readyz", { expect: 200, anonymous: true });
await check("GET", "/metrics", { expect: 200 });
await check("GET", "/api/openapi.yaml", { expect: 200, anonymous: true });
if (fullDiskBase) {
  const server = fullDiskBase;
  await check("PUT", "/api/temperature", { body: reading, headers: json, expect: 507, server });
  await check("POST", "/api/v1/readings", { body: `[${reading}]`, headers: json, expect: 507, server });
  await check("POST", "/write?db=x", { body: "temperature,sensorID=9 value=1", expect: 507, server });
  await check("POST", "/api/v2/write?bucket=b", { body: "temperature,sensorID=9 value=1", expect: 507, server });
}
const served = await (await fetch(new URL("/api/openapi.yaml", base))).text();
if (served !== specText) problems.push("GET /api/openapi.yaml is not docs/openapi.yaml");

for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of Object.keys(item)) {
    if (!exercised.has(`${method.toUpperCase()} ${path}`)) problems.push(`${method.toUpperCase()} ${path}: not exercised`);
  }
}
for (const problem of problems) console.error(problem);
console.log(`${exercised.size} operations checked, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
