-- wrk script: counts answers whose status is not the one given after `--` (wrk itself counts
-- only statuses of 400 and above), and prints "unexpected status: N" at the end.
--   wrk -s bench/expect-status.lua URL -- 307
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    expected = tonumber(args[1])
    unexpected = 0
end

function response(status, headers, body)
    if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get("unexpected") end
    io.write(string.format("unexpected status: %d\n", total))
end
