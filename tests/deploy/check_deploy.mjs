// Offline checks of deploy/ (no cloud, no terraform binary, no Docker engine): every .tf file is parsed with a real
// HCL parser (@cdktf/hcl2json) and the Dockerfile with a real Dockerfile linter (dockerfile-utils), and what breaks
// real deployments is asserted against the code itself, never against a second hand-kept list:
//   - the table's key schema is the one src/storage/dynamodb_schema.h defines;
//   - container port == the port the image exposes == the target group's port;
//   - the task role's DynamoDB actions are exactly those src/ sends (TransactWriteItems counted as the IAM actions
//     of the Put/Update/... it holds; CreateTable left out: only --create-table sends it, which the task never sets;
//     src/migrate left out: an operator's one-off commands, not the task's);
//   - every environment variable the task definition sets is one src/ reads;
//   - the tasks run in private subnets, reachable from the load balancer only;
//   - no IAM statement grants "*" actions, and "*" resources only for actions that have nothing narrower.
// Prints one JSON line of facts for the runtime half (tests/integration/deploy_test.cc: the health-check path is
// answered 200 by the real binary), then "N checks, 0 problems". Exit code 1 on any problem.
//
//   node tests/deploy/check_deploy.mjs <repository root>
import { parse } from "@cdktf/hcl2json";
import { validate, ValidationSeverity } from "dockerfile-utils";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
const problems = [];
let checks = 0;
function expect(condition, message) {
  checks++;
  if (!condition) problems.push(message);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- The Terraform, file by file (a syntax error rejects) ----
const tfDir = join(root, "deploy/terraform");
const tf = { resource: {}, data: {}, variable: {}, locals: {}, output: {} };
for (const file of readdirSync(tfDir).filter((f) => f.endsWith(".tf")).sort()) {
  let parsed;
  try {
    parsed = await parse(file, readFileSync(join(tfDir, file), "utf8"));
  } catch (error) {
    problems.push(`${file}: does not parse: ${error.message ?? error}`);
    continue;
  }
  for (const [kind, blocks] of Object.entries(parsed)) {
    if (kind === "locals") for (const block of blocks) Object.assign(tf.locals, block);
    else if (kind === "resource" || kind === "data") {
      for (const [type, byName] of Object.entries(blocks)) {
        tf[kind][type] ??= {};
        for (const [name, list] of Object.entries(byName)) tf[kind][type][name] = list[0];
      }
    } else if (kind === "variable" || kind === "output") {
      for (const [name, list] of Object.entries(blocks)) tf[kind][name] = list[0];
    }
  }
}
const resource = (type, name) => tf.resource[type]?.[name] ?? (problems.push(`no resource ${type}.${name}`), {});
const first = (list) => (Array.isArray(list) ? list[0] : list) ?? {};
const variableDefault = (reference) => {
  const match = /^\$\{var\.([a-z_]+)\}$/.exec(String(reference));
  return match ? tf.variable[match[1]]?.default : reference;
};

// Variables: each documented, typed and validated, as a user of the module reads them.
for (const [name, variable] of Object.entries(tf.variable)) {
  expect(variable.description, `variable ${name} has no description`);
  expect(variable.type, `variable ${name} has no type`);
  expect(variable.validation, `variable ${name} has no validation`);
}

// ---- The code's facts ----
const source = (path) => readFileSync(join(root, path), "utf8");
const srcFiles = (dir) =>
  readdirSync(join(root, dir), { recursive: true })
    .filter((f) => f.endsWith(".cc") || f.endsWith(".h"))
    .map((f) => ({ path: join(dir, f), text: source(join(dir, f)) }));
const everything = srcFiles("src").map((f) => f.text).join("\n");
// What the service itself runs: src/migrate holds one-off commands an operator runs with credentials of their own
// (import-original scans the original's table), never the task.
const served = srcFiles("src").filter((f) => !f.path.startsWith("src/migrate/")).map((f) => f.text).join("\n");

const schemaHeader = source("src/storage/dynamodb_schema.h");
const partitionKey = /kPartitionKey = "([^"]+)"/.exec(schemaHeader)?.[1];
const sortKey = /kSortKey = "([^"]+)"/.exec(schemaHeader)?.[1];
expect(partitionKey && sortKey, "cannot find kPartitionKey and kSortKey in src/storage/dynamodb_schema.h");

// The DynamoDB operations the code sends, and the IAM actions they need.
const operations = new Set([...served.matchAll(/Call(?:AndWait|All)?\("([A-Z][A-Za-z]+)"/g)].map((m) => m[1]));
expect(operations.has("Query") && operations.has("TransactWriteItems"), `odd operations found in src/: ${[...operations]}`);
const actions = new Set(operations);
actions.delete("CreateTable"); // only with --create-table (checked below: the task never sets it)
if (actions.delete("TransactWriteItems")) {
  const inTransactions = { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem", ConditionCheck: "ConditionCheckItem" };
  for (const [key, action] of Object.entries(inTransactions)) {
    if (served.includes(`Key("${key}")`)) actions.add(action);
  }
}
const neededActions = [...actions].map((a) => `dynamodb:${a}`).sort();

// The environment variables the code reads: flags' envname(...), getenv(...), the AWS settings and credentials.
const environmentNames = new Set(
  [...everything.matchAll(/(?:envname|getenv|environment)\("([A-Z][A-Z0-9_]+)"\)/g)].map((m) => m[1]),
);
for (const list of everything.matchAll(/first_set\(\{([^}]*)\}\)/g)) {
  for (const name of list[1].matchAll(/"([A-Z][A-Z0-9_]+)"/g)) environmentNames.add(name[1]);
}
expect(environmentNames.has("TABLE_NAME") && environmentNames.has("AWS_DEFAULT_REGION"),
       `the environment names found in src/ look wrong: ${[...environmentNames]}`);

// ---- The table ----
const table = resource("aws_dynamodb_table", "readings");
expect(table.hash_key === partitionKey && table.range_key === sortKey,
       `table keys ${table.hash_key}/${table.range_key}, the code uses ${partitionKey}/${sortKey}`);
expect(same((table.attribute ?? []).map((a) => [a.name, a.type]).sort(), [[partitionKey, "S"], [sortKey, "S"]].sort()),
       `table attributes ${JSON.stringify(table.attribute)}: the code's keys are both strings`);
expect(table.billing_mode === "PAY_PER_REQUEST", "the table is not on-demand");
expect(first(table.point_in_time_recovery).enabled === true, "point-in-time recovery is off");
expect(first(table.server_side_encryption).enabled === true, "server-side encryption is off");

// ---- Ports: image, task, target group ----
const dockerfile = source("deploy/docker/Dockerfile");
const imagePort = Number(/^ARG PORT=(\d+)$/m.exec(dockerfile)?.[1]);
expect(/^EXPOSE \$\{PORT\}$/m.test(dockerfile), "the Dockerfile does not EXPOSE ${PORT}");
expect(/TELEMETRY_LISTEN=0\.0\.0\.0:\$\{PORT\}/.test(dockerfile), "the image does not listen on ${PORT}");
const containerPort = Number(variableDefault(tf.locals.container?.portMappings?.[0]?.containerPort));
const targetGroup = resource("aws_lb_target_group", "main");
const targetPort = Number(variableDefault(targetGroup.port));
const service = resource("aws_ecs_service", "main");
const servicePort = Number(variableDefault(first(service.load_balancer).container_port));
expect(imagePort > 0 && imagePort === containerPort && containerPort === targetPort && targetPort === servicePort,
       `ports differ: image ${imagePort}, container ${containerPort}, target group ${targetPort}, service ${servicePort}`);
const listen = tf.locals.container?.environment?.find((e) => e.name === "TELEMETRY_LISTEN")?.value;
expect(listen === "0.0.0.0:${var.container_port}", `the task listens on ${listen}, not on the container port`);

// ---- Health check ----
const healthPath = first(targetGroup.health_check).path;
expect(first(targetGroup.health_check).matcher === "200", "the target group does not expect 200");
expect(new RegExp(`curl -fsS "http://127\\.0\\.0\\.1:\\$\\{PORT\\}${healthPath}"`).test(dockerfile),
       `the image's HEALTHCHECK does not ask ${healthPath}`);

// ---- Environment of the task ----
const container = tf.locals.container ?? {};
const setNames = (container.environment ?? []).map((e) => e.name);
for (const match of String(container.secrets ?? "").matchAll(/name\s*=\s*"([A-Z][A-Z0-9_]+)"/g)) setNames.push(match[1]);
expect(setNames.length >= 3, `the task sets too few variables: ${setNames}`);
for (const name of setNames) expect(environmentNames.has(name), `the task sets ${name}, which telemetryd never reads`);
expect(!setNames.includes("TELEMETRY_CREATE_TABLE"), "the task must not create its table (Terraform does)");
expect(same(service.network_configuration?.[0]?.subnets, "${aws_subnet.private[*].id}"), "the service is not in the private subnets");

// ---- Private subnets, admitted from the load balancer only ----
const network = first(service.network_configuration);
expect(network.assign_public_ip === false, "tasks get public addresses");
expect(resource("aws_subnet", "private").map_public_ip_on_launch === false, "private subnets hand out public addresses");
expect(!resource("aws_route_table", "private").route, "the private route tables have inline routes (to the internet?)");
for (const [name, route] of Object.entries(tf.resource.aws_route ?? {})) {
  if (String(route.route_table_id).includes("aws_route_table.private")) {
    expect(!route.gateway_id, `route ${name} sends private subnets to an internet gateway`);
  }
}
expect(same(network.security_groups, ["${aws_security_group.tasks.id}"]), "the tasks' security group is not tasks");
const taskIngress = Object.entries(tf.resource.aws_vpc_security_group_ingress_rule ?? {}).filter(
  ([, rule]) => rule.security_group_id === "${aws_security_group.tasks.id}",
);
expect(taskIngress.length > 0, "no ingress rule for the tasks");
for (const [name, rule] of taskIngress) {
  expect(rule.referenced_security_group_id === "${aws_security_group.alb.id}" && !rule.cidr_ipv4 && !rule.cidr_ipv6,
         `ingress rule ${name} admits more than the load balancer`);
  expect(Number(variableDefault(rule.from_port)) === containerPort && Number(variableDefault(rule.to_port)) === containerPort,
         `ingress rule ${name} opens more than the container port`);
}
expect(!tf.resource.aws_security_group?.tasks?.ingress, "the tasks' security group has inline ingress rules");

// ---- IAM ----
const documents = tf.data.aws_iam_policy_document ?? {};
const task = documents.task ?? {};
const taskActions = (task.statement ?? []).flatMap((s) => s.actions ?? []).sort();
expect(same(taskActions, neededActions), `the task role allows ${taskActions}; the code sends ${neededActions}`);
for (const statement of task.statement ?? []) {
  expect(same(statement.resources, ["${aws_dynamodb_table.readings.arn}", "${aws_dynamodb_table.readings.arn}/index/*"]),
         `task role statement ${statement.sid}: resources ${statement.resources} are not the table and its indexes`);
}
const noResourceLevel = new Set(["ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"]);
for (const [name, document] of Object.entries(documents)) {
  for (const statement of document.statement ?? []) {
    for (const action of statement.actions ?? []) expect(!action.includes("*"), `policy ${name} allows ${action}`);
    if ((statement.resources ?? []).includes("*")) {
      for (const action of statement.actions ?? []) {
        expect(noResourceLevel.has(action), `policy ${name} grants ${action} on "*", though it has resource-level permissions`);
      }
    }
  }
}
for (const [name, policy] of Object.entries(tf.resource.aws_iam_role_policy ?? {})) {
  expect(/^\$\{data\.aws_iam_policy_document\.[a-z_]+\.json\}$/.test(policy.policy), `role policy ${name} is not a policy document`);
}
expect(!tf.resource.aws_iam_role_policy_attachment, "managed policies attached: they grant more than needed");

// ---- What the original lacked ----
expect(first(service.deployment_circuit_breaker).rollback === true, "deployments do not roll back on failure");
expect(tf.resource.aws_appautoscaling_policy?.cpu && tf.resource.aws_appautoscaling_policy?.requests, "no autoscaling on CPU and requests");
expect(Number(variableDefault(service.desired_count)) === 2, "the service does not start 2 tasks");
expect(first(resource("aws_ecr_repository", "main").image_scanning_configuration).scan_on_push === true, "no scan on push");
expect(tf.resource.aws_ecr_lifecycle_policy?.main, "no ECR lifecycle policy");
expect(tf.resource.aws_lb_listener?.http_redirect && tf.resource.aws_lb_listener?.https, "no HTTPS listener with redirect");
expect(tf.output.clone_url && tf.output.service_url, "outputs clone_url and service_url missing");
const subnets = resource("aws_subnet", "public");
expect(subnets.count === 3 && resource("aws_subnet", "private").count === 3, "not three zones of subnets");
const buildspec = source("deploy/buildspec.yml");
expect(buildspec.includes("scripts/test.sh") && buildspec.includes("imagedefinitions.json"),
       "the buildspec does not run the test command and write imagedefinitions.json");
expect(source("deploy/terraform/.gitignore").includes("*.tfstate"), "Terraform state is not ignored");

// ---- The Dockerfile ----
for (const diagnostic of validate(dockerfile)) {
  expect(diagnostic.severity !== ValidationSeverity.ERROR,
         `Dockerfile line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
}
const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
expect(/^USER (?!root|0\b)\S+$/m.test(finalStage), "the image does not run as a non-root user");
expect(/^STOPSIGNAL SIGTERM$/m.test(finalStage), "no STOPSIGNAL SIGTERM");
expect(/^VOLUME \["\/var\/lib\/telemetryd\/data"\]$/m.test(finalStage), "no volume for the embedded store");
expect(/^ARG DEBIAN_IMAGE=docker\.io\/library\/debian:bookworm-slim$/m.test(dockerfile), "the base is not Debian 12 slim");
for (const name of ["TABLE_NAME", "AWS_DEFAULT_REGION", "TELEMETRY_STORAGE", "TELEMETRY_LISTEN", "TELEMETRY_DATA_DIR"]) {
  expect(new RegExp(`\\b${name}=`).test(finalStage) && environmentNames.has(name), `the image does not set ${name}`);
}

console.log(JSON.stringify({ healthPath, containerPort, taskActions, environment: setNames }));
for (const problem of problems) console.error(problem);
console.log(`${checks} checks, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
