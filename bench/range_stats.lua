-- wrk script: GET /api/v1/stats for a random range of [BENCH_FROM, BENCH_TO) (epoch seconds, env), with
-- millisecond edges so that the raw edges are read too; every other request for one random sensor of
-- BENCH_SENSORS ("sensor-<n>", as telemetry_load names them), the rest over all sensors.
local first = tonumber(os.getenv("BENCH_FROM"))
local last = tonumber(os.getenv("BENCH_TO"))
local sensors = tonumber(os.getenv("BENCH_SENSORS") or "1000")
local counter = 0

function request()
  counter = counter + 1
  local a = first + math.random() * (last - first)
  local b = first + math.random() * (last - first)
  if a > b then a, b = b, a end
  local path = string.format("/api/v1/stats?from=%.3f&to=%.3f", a, b)
  if counter % 2 == 0 then
    path = path .. "&sensorID=sensor-" .. math.random(0, sensors - 1)
  end
  return wrk.format("GET", path)
end

dofile("bench/expect_200.lua")
