-- wrk script of `just bench`: GET the benchmark of random structures (…/structures/{finess}/benchmark).
-- Arguments after `--`: the campaign year and a file of lines "FINESS TOKEN" (one bearer token per
-- structure, minted by `tdb token`). At the end it prints one line:
-- "RESULT rps=… p50_ms=… p95_ms=… p99_ms=… non2xx=… socket_errors=…".

local entries = {}
local year = "2024"

function init(args)
  year = args[1] or "2024"
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
  local path = "/api/v1/campaigns/" .. year .. "/structures/" .. e.finess .. "/benchmark"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. e.token })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
