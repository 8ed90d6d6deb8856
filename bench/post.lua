-- wrk script: POST one OpenAI-style chat completion per request.
-- Env: STREAM=1 adds "stream": true; BENCH_KEY is sent as the Bearer key; MODEL (default gpt-4o-mini).
-- Extra headers (Portkey's x-portkey-*) come from wrk -H. No response() hook: wrk counts status >= 400
-- itself (summary.errors.status), and a hook would slow wrk down.
local model = os.getenv("MODEL") or "gpt-4o-mini"
local stream = os.getenv("STREAM") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk-bench")
wrk.body = '{"model":"' .. model .. '",' .. (stream and '"stream":true,' or '') ..
  '"messages":[{"role":"system","content":"You are a helpful assistant."},' ..
  '{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32,"temperature":0}'

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"err_connect":%d,"err_read":%d,"err_write":%d,' ..
    '"err_status":%d,"err_timeout":%d,"lat_p50_ms":%.3f,"lat_p99_ms":%.3f,"lat_max_ms":%.3f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
