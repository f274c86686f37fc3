-- wrk script: PUT the original payload with a fresh (sensorID, time) for every request.
-- Each wrk thread plays a fleet of 100 sensors ("t<thread>-s<n>") that together send 1,000 readings per second of
-- their clock: every request carries the next millisecond, so no two requests of a run share a key, and each sensor
-- reports ten times a second. BENCH_EPOCH (env, epoch seconds) moves the start so that runs do not collide.
-- BENCH_TOKEN (env), when set, goes in an Authorization: Bearer header (telemetryd --auth token).
-- thread_id is a global that setup() gives each thread's own Lua state.
local counter = 0
local threads = {}
local epoch = tonumber(os.getenv("BENCH_EPOCH") or "1633338000")
local headers = {["Content-Type"] = "application/json"}
if os.getenv("BENCH_TOKEN") then headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") end

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local sensor = string.format("t%d-s%d", thread_id, counter % 100)
  local time = string.format("%d.%03d", epoch + math.floor(counter / 1000), counter % 1000)
  local body = string.format('{"sensorID":"%s","temperature":"%d","time":%s}', sensor, counter % 40, time)
  return wrk.format("PUT", "/api/temperature", headers, body)
end

dofile("bench/expect_200.lua")
