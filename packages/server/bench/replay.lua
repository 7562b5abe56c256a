-- wrk script of `pnpm bench`: replays pre-signed VK notifications (bench/bodies.mjs), one POST per line of
-- the bodies file, each line once and in order. Usage: wrk -t1 ... -s replay.lua URL -- BODIES_FILE
--
-- Cheap on purpose, since wrk shares the machine's cores with the server it measures:
-- - every request is formatted in init(), before wrk starts its clock; request() only hands one out;
-- - no response() callback: with one, wrk parses every answer's headers and body into Lua tables.
-- The answers are checked after the run instead, from the server's own records (bench/verify.mjs).
--
-- At the end done() prints one line bench/wrk.mjs reads:
--   vkp-replay sent=N wraps=W cpu_ticks=T cpu_total=A
-- sent: requests handed out during the run; wraps: times the file ran out and started again (its bodies
-- were then sent twice: still valid notifications, but repeats); cpu_ticks: wrk's own CPU time during the
-- run (user + system, in clock ticks), to show whether the generator was the bottleneck; cpu_total: its
-- CPU time since it started, loading the bodies included.

-- Globals, not locals: done() runs in wrk's main Lua state and reads them with thread:get().
sent, wraps, cpu_at_start = 0, 0, 0

local requests, count, position = {}, 0, 1
-- wrk calls request() once itself before the run, to check that the script makes valid requests
-- (script_verify_request): that call must neither be counted nor use up a body.
local checked = false

-- utime + stime of this process, fields 14 and 15 of /proc/self/stat (after the ")" closing the name).
local function cpu_ticks()
  local f = assert(io.open("/proc/self/stat", "r"))
  local stat = f:read("*a")
  f:close()
  local fields = {}
  for field in stat:match("%) (.*)"):gmatch("%S+") do fields[#fields + 1] = field end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function init(args)
  local path = assert(args[1], "usage: wrk ... -s replay.lua URL -- BODIES_FILE")
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for body in io.lines(path) do
    count = count + 1
    requests[count] = wrk.format("POST", nil, headers, body)
  end
  assert(count > 0, "no bodies in " .. path)
  cpu_at_start = cpu_ticks()
end

function request()
  if not checked then
    checked = true
    return requests[1]
  end
  local r = requests[position]
  sent = sent + 1
  position = position + 1
  if position > count then
    position = 1
    wraps = wraps + 1
  end
  return r
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  -- One thread (bench/wrk.mjs runs wrk with -t1): one file position, one starting point of the CPU count.
  local thread, now = threads[1], cpu_ticks()
  io.write(string.format("vkp-replay sent=%d wraps=%d cpu_ticks=%d cpu_total=%d\n", thread:get("sent"), thread:get("wraps"), now - thread:get("cpu_at_start"), now))
end
