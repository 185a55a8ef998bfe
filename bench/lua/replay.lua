-- Replays pre-generated requests (bench/signed.py writes them): METHOD \t PATH \t h1|h2 \t BODY per line.
-- Each wrk thread keeps its own share of the lines (every BENCH_THREADS-th, from its id) and walks it in order;
-- a request sent after the share is used up is counted in `replayed` (for signed callbacks a run must show 0).
-- `{rid}` in a body becomes a unique request id. Counts answers by status class; with BENCH_EXPECT set, a 2xx
-- answer whose body lacks that text is counted in `unexpected`. done() prints one JSON line.
local file = os.getenv("BENCH_REQS")
local run = os.getenv("BENCH_RUN") or "run"
local expect = os.getenv("BENCH_EXPECT") or ""
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function split(line, sep)
  local out, start = {}, 1
  while true do
    local i = string.find(line, sep, start, true)
    if not i then table.insert(out, string.sub(line, start)); return out end
    table.insert(out, string.sub(line, start, i - 1))
    start = i + 1
  end
end

local function parse(line)
  local f = split(line, "\t")
  local headers = {}
  if f[3] ~= "" then
    for _, h in ipairs(split(f[3], "|")) do
      local c = string.find(h, ": ", 1, true)
      headers[string.sub(h, 1, c - 1)] = string.sub(h, c + 2)
    end
  end
  return {f[1], f[2], headers, f[4] or ""}
end

local reqs = {}
local n, pos = 0, 0
-- Globals: thread:get() reads a thread's globals only.
s2, s3, s4, s5, other, replayed, unexpected, lines = 0, 0, 0, 0, 0, 0, 0, 0

function init(args)
  local stride = tonumber(os.getenv("BENCH_THREADS") or "1")
  local all = {}
  for line in io.lines(file) do table.insert(all, line) end
  lines = #all
  -- A file shorter than the number of threads (a fixed API request) is shared whole; it is meant to cycle.
  local first = id + 1
  if lines < stride then first, stride = 1, 1 end
  for i = first, lines, stride do
    n = n + 1
    reqs[n] = parse(all[i])
  end
end

function request()
  local r = reqs[(pos % n) + 1]
  if pos >= n then replayed = replayed + 1 end
  pos = pos + 1
  local body = r[4]
  if string.find(body, "{rid}", 1, true) then
    counter = counter + 1
    body = string.gsub(body, "{rid}", run .. "-" .. id .. "-" .. counter)
  end
  if body == "" then body = nil end
  return wrk.format(r[1], r[2], r[3], body)
end

function response(status, headers, body)
  if status < 300 then
    s2 = s2 + 1
    if expect ~= "" and not string.find(body or "", expect, 1, true) then unexpected = unexpected + 1 end
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1
  elseif status < 600 then s5 = s5 + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c = {s2 = 0, s3 = 0, s4 = 0, s5 = 0, other = 0, replayed = 0, unexpected = 0}
  for _, t in ipairs(threads) do
    for k, _ in pairs(c) do c[k] = c[k] + (t:get(k) or 0) end
  end
  local file_lines = #threads > 0 and (threads[1]:get("lines") or 0) or 0
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"s2xx":%d,"s3xx":%d,"s4xx":%d,"s5xx":%d,"other":%d,"replayed":%d,"unexpected":%d,"lines":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, c.s2, c.s3, c.s4, c.s5, c.other, c.replayed, c.unexpected,
    file_lines, e.connect, e.read, e.write, e.timeout))
end
