-- wrk script of `just bench`: GET or PATCH the 2024 form of random structures.
-- Arguments after `--`: the method (GET or PATCH) and a file of lines "FINESS TOKEN" (one bearer token
-- per structure, minted by `tdb token`). PATCH changes one value and sends `If-Match: *`; PATCH_MINIMAL
-- does the same with `Prefer: return=minimal`, as the web app does (the answer is the patch summary).
-- At the end it prints one line: "RESULT method=… rps=… p50_ms=… p95_ms=… p99_ms=… non2xx=…".

local entries = {}
-- Global, so that `done` (which runs in the main state) can read it back from a thread.
method = "GET"
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  method = args[1] or "GET"
  for line in io.lines(args[2]) do
    local finess, token = line:match("^(%S+)%s+(%S+)$")
    if finess then
      entries[#entries + 1] = { finess = finess, token = token }
    end
  end
  math.randomseed(os.time() + #entries + math.floor(os.clock() * 1000000))
end

function request()
  local e = entries[math.random(#entries)]
  local path = "/api/v1/campaigns/2024/structures/" .. e.finess .. "/form"
  local headers = { ["Authorization"] = "Bearer " .. e.token }
  if method == "PATCH" or method == "PATCH_MINIMAL" then
    headers["If-Match"] = "*"
    if method == "PATCH_MINIMAL" then
      headers["Prefer"] = "return=minimal"
    end
    headers["Content-Type"] = "application/json"
    local body = '{"values":{"admissions":' .. math.random(0, 60) .. '}}'
    return wrk.format("PATCH", path, headers, body)
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local method = threads[1] and threads[1]:get("method") or method
  io.write(string.format(
    "RESULT method=%s requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    method, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
