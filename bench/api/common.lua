-- common.lua - shared by the wrk scripts of bench/api/run.sh.
--
-- Loaded with require "common" (run.sh puts this directory on LUA_PATH).
-- Gives each wrk thread a number (for unique bodies and random seeds),
-- sets the Authorization header from $BENCH_TOKEN, and prints one
-- machine-readable line from done() that run.sh parses:
--
--   BENCH requests=N duration_us=N p50_us=N p90_us=N p99_us=N
--         errors_status=N errors_socket=N

local M = {}

local nthreads = 0

-- Called from each script's setup(thread), in wrk's main Lua state.
function M.setup(thread)
	thread:set("tid", nthreads)
	nthreads = nthreads + 1
end

-- Called from each script's init(args), in the thread's own Lua state.
function M.init(with_auth)
	local id = tonumber(tid) or 0
	math.randomseed(os.time() * 1000 + id * 7919)
	if with_auth then
		local tok = os.getenv("BENCH_TOKEN")
		if not tok or tok == "" then
			error("BENCH_TOKEN is not set")
		end
		wrk.headers["Authorization"] = "Bearer " .. tok
	end
	return id
end

-- Load the preloaded data set written by preload.py: { ids = {...}, phones = {...} }.
function M.data()
	local path = os.getenv("BENCH_DATA")
	if not path or path == "" then
		error("BENCH_DATA is not set")
	end
	return dofile(path)
end

function M.done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d errors_status=%d errors_socket=%d\n",
		summary.requests, summary.duration,
		latency:percentile(50), latency:percentile(90), latency:percentile(99),
		e.status, e.connect + e.read + e.write + e.timeout))
end

return M
