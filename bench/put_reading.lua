-- wrk script: PUT the original payload with a fresh (sensorID, time) for every request.
-- Each wrk thread writes its own sensors ("t<thread>-s<n>", 100 per thread) and walks time forward one second per
-- request, so no two requests of a run share a key. BENCH_EPOCH (env) moves the start, so runs do not collide.
-- thread_id is a global that setup() gives each thread's own Lua state.
local counter = 0
local threads = {}
local epoch = tonumber(os.getenv("BENCH_EPOCH") or "1633338000")

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local sensor = string.format("t%d-s%d", thread_id, counter % 100)
  local body = string.format('{"sensorID":"%s","temperature":"%d","time":%d}', sensor, counter % 40, epoch + counter)
  return wrk.format("PUT", "/api/temperature", {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
