#!/usr/bin/env bats
# wasm-serve: the CGI interface, limits and faults with their statuses,
# concurrency, reload and drain, metrics, socket activation.  Servers
# listen on port 0 (a free port) and say which in their log.  No test
# asserts a duration: where one says a slow handler does not hold up
# another request, it checks the order in which they finish.

setup_file() {
	export PATH="${WA_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	export X=$BATS_FILE_TMPDIR
	command -v curl >/dev/null || skip "curl is not installed"
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$BATS_TEST_DIRNAME/wasm-serve/handler.c" -o "$X/h.wasm"
	wasm-aot "$X/h.wasm" -o "$X/h.so"
	clang --target=wasm32-wasi --sysroot=/usr -O2 "$BATS_TEST_DIRNAME/../examples/serve/hello.c" -o "$X/hello.wasm"
	wasm-aot "$X/hello.wasm" -o "$X/hello.so"
	mkdir -p "$X/data"
	echo "hello from a preopened directory" > "$X/data/greeting.txt"
	# the server most tests share
	start main --timeout 1s --max-memory 16M --max-body 64K --max-header 8K \
		--access-log "$X/access.log" --metrics 127.0.0.1:0 --env GLOBAL=yes \
		--route /t="$X/h.so" --env ROUTE=t --dir "$X/data::/data" \
		--route /t/deeper="$X/hello.so"
	echo "$PORT" > "$X/main.port"
	echo "$MPORT" > "$X/main.mport"
}

teardown_file() {
	local f
	for f in "$X"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	return 0
}

setup() {
	[ -f "$X/main.port" ] || skip "the server did not start"
	PORT=$(cat "$X/main.port")
	U=http://127.0.0.1:$PORT
}

# start NAME ARGS...: a server whose log is $X/NAME.log; sets PORT, PID
# (and MPORT with --metrics) once it listens.
start() {
	local name=$1 i
	shift
	wasm-serve --listen 127.0.0.1:0 "$@" > "$X/$name.log" 2>&1 3>&- &
	PID=$!
	echo "$PID" > "$X/$name.pid"
	for i in $(seq 100); do
		grep -q "listening on" "$X/$name.log" && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$X/$name.log" | head -n 1)
	MPORT=$(sed -n 's/.*metrics on 127.0.0.1:\([0-9]*\)$/\1/p' "$X/$name.log" | head -n 1)
	[ -n "$PORT" ]
}

# stop NAME: SIGTERM, and wait for the exit; its status in $status.
stop() {
	local pid
	pid=$(cat "$X/$1.pid")
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	rm -f "$X/$1.pid"
}

# the log line about a request, waiting for it to be written
logged() {
	local i
	for i in $(seq 100); do
		grep -q -- "$2" "$X/$1.log" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "not in $1.log: $2" >&2
	cat "$X/$1.log" >&2
	return 1
}

@test "every CGI variable: request line, path split at the route, query, headers, addresses" {
	run curl -sS "$U/t/env?a=1&b=two" -H "X-Thing: one" -H "X-Thing: two" -H "Content-Type: text/x" \
		-H "Proxy: http://evil" -H "Host: example.test:8080"
	[ "$status" -eq 0 ]
	for v in "GATEWAY_INTERFACE=CGI/1.1" "SERVER_SOFTWARE=wasm-serve/0.1" "SERVER_PROTOCOL=HTTP/1.1" \
		"REQUEST_METHOD=GET" "SCRIPT_NAME=/t" "PATH_INFO=/env" "QUERY_STRING=a=1&b=two" \
		"REQUEST_URI=/t/env?a=1&b=two" "REMOTE_ADDR=127.0.0.1" "SERVER_ADDR=127.0.0.1" \
		"SERVER_PORT=$PORT" "SERVER_NAME=example.test" "CONTENT_TYPE=text/x" "HTTP_X_THING=one, two" \
		"HTTP_HOST=example.test:8080" "GLOBAL=yes" "ROUTE=t"; do
		grep -qx -- "$v" <<< "$output" || { echo "missing $v in: $output"; false; }
	done
	grep -q '^REMOTE_PORT=[0-9][0-9]*$' <<< "$output"
	grep -q '^HTTP_USER_AGENT=curl/' <<< "$output"
	! grep -q '^HTTP_PROXY=' <<< "$output" || false
	! grep -q '^HTTP_CONTENT_TYPE=' <<< "$output" || false
	! grep -q '^CONTENT_LENGTH=' <<< "$output" || false
}

@test "CGI: a POST's CONTENT_LENGTH and method; HTTP/2 says so in SERVER_PROTOCOL" {
	run curl -sS --data-binary "abc" "$U/t/env"
	grep -qx "CONTENT_LENGTH=3" <<< "$output"
	grep -qx "REQUEST_METHOD=POST" <<< "$output"
	run curl -sS --http2-prior-knowledge "$U/t/env"
	grep -qx "SERVER_PROTOCOL=HTTP/2" <<< "$output"
}

@test "POST bodies up to --max-body reach stdin whole; past it, 413 and a log line" {
	head -c 65536 /dev/urandom > "$X/body"
	curl -sS --data-binary @"$X/body" "$U/t/echo" -o "$X/echoed"
	cmp "$X/body" "$X/echoed"
	head -c 65537 /dev/zero > "$X/body"
	run curl -sS -o /dev/null -w '%{http_code}' --data-binary @"$X/body" "$U/t/length"
	[ "$output" = 413 ]
	logged main "413: request body of POST /t/length larger than --max-body"
}

@test "response: Status with its reason, repeated headers, a body; Location alone is a 302" {
	run curl -sS -i "$U/t/status"
	grep -q $'^HTTP/1.1 201 Made It\r$' <<< "$output"
	grep -q $'^X-Test: one\r$' <<< "$output"
	grep -q $'^X-Test: two\r$' <<< "$output"
	grep -q '^created$' <<< "$output"
	run curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$U/t/redirect"
	[ "$output" = "302 http://example.org/there" ]
}

@test "a trap is a 500 with the trap kind in the log; the server lives on" {
	run curl -sS -o /dev/null -w '%{http_code}' "$U/t/trap"
	[ "$output" = 500 ]
	run curl -sS -o /dev/null -w '%{http_code}' "$U/t/divzero"
	[ "$output" = 500 ]
	logged main "GET /t/trap: trap: unreachable"
	logged main "GET /t/divzero: trap: integer divide by zero"
	run curl -sS "$U/t/count"
	[ "$output" = 1 ]
}

@test "--timeout: a guest that never ends is terminated with a 504 and a log line" {
	run curl -sS -o /dev/null -w '%{http_code}' "$U/t/loop"
	[ "$output" = 504 ]
	logged main "GET /t/loop: timeout"
	run curl -sS "$U/t/count"
	[ "$output" = 1 ]
}

@test "--max-memory: an instance cannot grow past it (its malloc fails)" {
	run curl -sS "$U/t/alloc?8"
	[ "$output" = "allocated 8 MiB (1)" ]
	run curl -sS -o "$X/alloc" -w '%{http_code}' "$U/t/alloc?32"
	[ "$output" = 507 ]
	[ "$(cat "$X/alloc")" = "no memory for 32 MiB" ]
}

@test "oversized request headers get 431, malformed requests 400" {
	run curl -sS -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "$U/t/count"
	[ "$output" = 431 ]
	logged main "431: request header fields larger than --max-header"
	exec 5<>/dev/tcp/127.0.0.1/"$PORT"
	printf 'NOT HTTP AT ALL\r\n\r\n' >&5
	read -r line <&5
	exec 5<&-
	[[ "$line" == "HTTP/1.1 400 "* ]]
}

@test "a handler that writes no valid CGI header block is a 502, with why in the log" {
	run curl -sS -o /dev/null -w '%{http_code}' "$U/t/nohdr"
	[ "$output" = 502 ]
	run curl -sS -o /dev/null -w '%{http_code}' "$U/t/badhdr"
	[ "$output" = 502 ]
	run curl -sS -o /dev/null -w '%{http_code}' "$U/t/exit3-nohdr"
	[ "$output" = 502 ]
	logged main "GET /t/nohdr: no valid CGI response"
	logged main "GET /t/exit3-nohdr: no valid CGI response (no output); exit status 3"
}

@test "a non-zero exit after a valid response still answers, and says so in the log" {
	run curl -sS "$U/t/exit3"
	[ "$output" = bye ]
	logged main "GET /t/exit3: exit status 3 after a valid response"
}

@test "stderr lines go to the log, tagged with the request" {
	run curl -sS "$U/t/stderr"
	[ "$output" = logged ]
	logged main "GET /t/stderr: stderr: first line"
	logged main "GET /t/stderr: stderr: second line"
}

@test "1,000 concurrent requests to a handler counting in a global: every response is 1" {
	for i in $(seq 1000); do echo "url = \"$U/t/count\""; done > "$X/urls"
	curl -sS --no-progress-meter --parallel --parallel-immediate --parallel-max 250 -K "$X/urls" > "$X/counts"
	sort "$X/counts" | uniq -c
	[ "$(wc -l < "$X/counts")" -eq 1000 ]
	[ "$(sort -u "$X/counts")" = 1 ]
}

@test "keep-alive and pipelining: three requests in one write, three answers in order" {
	exec 5<>/dev/tcp/127.0.0.1/"$PORT"
	printf 'GET /t/count HTTP/1.1\r\nHost: a\r\n\r\nGET /t/status HTTP/1.1\r\nHost: a\r\n\r\nGET /t/count HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' >&5
	out=$(cat <&5)
	exec 5<&-
	[ "$(grep -c '^HTTP/1.1 ' <<< "$out")" -eq 3 ]
	[ "$(grep '^HTTP/1.1 ' <<< "$out" | tr -d '\r' | cut -d' ' -f2 | tr '\n' ' ')" = "200 201 200 " ]
}

@test "routes: the longest prefix wins, at segment boundaries; no route is a 404" {
	run curl -sS "$U/t/deeper/x"
	[ "$output" = "Hello, world!" ]
	run curl -sS "$U/t/deeperx"
	[[ "$output" == "no such test: /deeperx" ]]
	run curl -sS -o /dev/null -w '%{http_code}' "$U/elsewhere"
	[ "$output" = 404 ]
}

@test "--dir after a --route preopens a directory for that route's guests" {
	run curl -sS "$U/t/file"
	[ "$output" = "hello from a preopened directory" ]
}

@test "access log: Combined Log Format and the duration in microseconds" {
	curl -sS -o /dev/null -A "agent/1" -e "http://ref/" "$U/t/count?log=1"
	logged access '"GET /t/count?log=1 HTTP/1.1" 200 2 "http://ref/" "agent/1" [0-9]'
	grep -E '^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} [-+][0-9]{4}\] "GET /t/count\?log=1 HTTP/1\.1" 200 2 "http://ref/" "agent/1" [0-9]+$' "$X/access.log"
}

@test "--metrics: requests by route and status, latency histogram, live instances, traps by kind" {
	curl -sS -o /dev/null "$U/t/trap"
	MPORT=$(cat "$X/main.mport")
	run curl -sS "http://127.0.0.1:$MPORT/metrics"
	[ "$status" -eq 0 ]
	grep -qE '^wasm_serve_requests_total\{route="/t",status="200"\} [1-9][0-9]*$' <<< "$output"
	grep -qE '^wasm_serve_requests_total\{route="/t",status="500"\} [1-9][0-9]*$' <<< "$output"
	grep -qE '^wasm_serve_request_duration_seconds_bucket\{le="\+Inf"\} [1-9][0-9]*$' <<< "$output"
	grep -qE '^wasm_serve_request_duration_seconds_count [1-9][0-9]*$' <<< "$output"
	grep -qE '^wasm_serve_instances [0-9]+$' <<< "$output"
	grep -qE '^wasm_serve_traps_total\{kind="unreachable"\} [1-9][0-9]*$' <<< "$output"
	grep -qE '^wasm_serve_timeouts_total [1-9][0-9]*$' <<< "$output"
}

@test "a guest computing for long does not hold up its thread's other connections" {
	start slow --threads 1 --access-log none --route /t="$X/h.so"
	curl -sS "http://127.0.0.1:$PORT/t/spin?3000" > "$X/spun" &
	spin=$!
	sleep 0.3
	run curl -sS "http://127.0.0.1:$PORT/t/count"
	[ "$output" = 1 ]
	# the fast one is answered while the slow one still computes
	kill -0 "$spin"
	[ ! -s "$X/spun" ]
	wait "$spin"
	[ "$(cat "$X/spun")" = "spun yes" ]
	stop slow
}

@test "a guest that sleeps does not hold up its thread either" {
	start sleepy --threads 1 --access-log none --route /t="$X/h.so"
	curl -sS "http://127.0.0.1:$PORT/t/sleep?3000" > "$X/slept" &
	sl=$!
	sleep 0.3
	run curl -sS "http://127.0.0.1:$PORT/t/count"
	[ "$output" = 1 ]
	kill -0 "$sl"
	[ ! -s "$X/slept" ]
	wait "$sl"
	[ "$(cat "$X/slept")" = slept ]
	stop sleepy
}

@test "--max-concurrent: a full region answers 503 with Retry-After" {
	start full --threads 1 --max-concurrent 1 --access-log none --route /t="$X/h.so"
	curl -sS "http://127.0.0.1:$PORT/t/sleep?2000" > "$X/first" &
	first=$!
	sleep 0.3
	run curl -sS -i "http://127.0.0.1:$PORT/t/count"
	grep -q $'^HTTP/1.1 503 ' <<< "$output"
	grep -qi $'^retry-after: 1\r$' <<< "$output"
	wait "$first"
	[ "$(cat "$X/first")" = slept ]
	logged full "503: --max-concurrent"
	stop full
}

@test "SIGHUP reloads the module: running requests finish on the old code, new ones get the new" {
	cp "$X/h.so" "$X/reload.so"
	start reload --access-log none "$X/reload.so"
	curl -sS "http://127.0.0.1:$PORT/sleep?1500" > "$X/old" &
	old=$!
	sleep 0.3
	cp "$X/hello.so" "$X/reload.so"
	kill -HUP "$PID"
	logged reload "reload: 1 module loaded"
	run curl -sS "http://127.0.0.1:$PORT/anything"
	[ "$output" = "Hello, world!" ]
	wait "$old"
	[ "$(cat "$X/old")" = slept ]
	# a module that does not load leaves the old one serving
	echo "not a module" > "$X/reload.so"
	kill -HUP "$PID"
	logged reload "the modules stay as they were"
	run curl -sS "http://127.0.0.1:$PORT/anything"
	[ "$output" = "Hello, world!" ]
	stop reload
}

@test "SIGTERM drains: the request in flight is answered, then the server exits 0" {
	start drain --access-log none --route /t="$X/h.so"
	curl -sS "http://127.0.0.1:$PORT/t/sleep?1000" > "$X/inflight" &
	req=$!
	sleep 0.3
	stop drain
	[ "$status" -eq 0 ]
	wait "$req"
	[ "$(cat "$X/inflight")" = slept ]
	logged drain "SIGTERM: draining"
	run curl -sS "http://127.0.0.1:$PORT/t/count"
	[ "$status" -ne 0 ]
}

@test "systemd socket activation: the server takes the listening socket from LISTEN_FDS" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	python3 - "$X" "$(command -v wasm-serve)" > "$X/sd.port" 3>&- <<'EOF' &
import os, socket, sys
x, prog = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
err = os.open(x + "/sd.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
os.dup2(err, 2)
os.execv(prog, [prog, "--access-log", "none", x + "/hello.so"])
EOF
	sdpid=$!
	echo "$sdpid" > "$X/sd.pid"
	logged sd "listening on 1 socket from systemd"
	run curl -sS "http://127.0.0.1:$(cat "$X/sd.port")/"
	echo "port $(cat "$X/sd.port"): $output"
	[ "$output" = "Hello, world!" ]
	kill -TERM "$sdpid"
	wait "$sdpid"
	rm -f "$X/sd.pid"
}

@test "usage errors exit 2; a module that does not load exits 1 with its name" {
	run wasm-serve --listen 127.0.0.1:0
	[ "$status" -eq 2 ]
	run wasm-serve --max-concurrent 0 "$X/h.so"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--max-concurrent 0: expected a number"* ]]
	run wasm-serve --route nope "$X/h.so"
	[ "$status" -eq 2 ]
	run wasm-serve --listen 127.0.0.1:0 "$X/missing.so"
	[ "$status" -eq 1 ]
	[[ "$output" == "wasm-serve: $X/missing.so: "* ]]
	run wasm-serve "$X/h.so"
	[ "$status" -eq 1 ]
	[[ "$output" == *"nothing to listen on"* ]]
}

@test "HAProxy in front of two servers: one drains under load and no request fails" {
	command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || skip "haproxy is not installed"
	haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
	start a --access-log none --route /t="$X/h.so"
	pa=$PORT
	start b --access-log none --route /t="$X/h.so"
	pb=$PORT
	cat > "$X/haproxy.cfg" <<EOF
global
	maxconn 256
defaults
	mode http
	timeout connect 2s
	timeout client 10s
	timeout server 10s
	retries 3
	option redispatch 1
	retry-on all-retryable-errors
	option http-server-close
frontend web
	bind 127.0.0.1:0
	default_backend wasm
backend wasm
	balance roundrobin
	server a 127.0.0.1:$pa check inter 200ms fall 1 rise 1
	server b 127.0.0.1:$pb check inter 200ms fall 1 rise 1
EOF
	# HAProxy has no port-0 report: take a free port from the kernel
	hp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	sed -i "s/bind 127.0.0.1:0/bind 127.0.0.1:$hp/" "$X/haproxy.cfg"
	"$haproxy" -f "$X/haproxy.cfg" -db > "$X/haproxy.log" 2>&1 3>&- &
	echo $! > "$X/haproxy.pid"
	for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$hp/t/count" && break; sleep 0.1; done
	# load: 4 clients, 300 requests each, one in ten of them slow
	clients=()
	for c in 1 2 3 4; do
		(for i in $(seq 300); do
			if [ $((i % 10)) -eq 0 ]; then p="sleep?20"; else p=count; fi
			curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$hp/t/$p"
		done > "$X/codes.$c") 3>&- &
		clients+=($!)
	done
	sleep 1
	stop a
	[ "$status" -eq 0 ]
	wait "${clients[@]}"
	kill "$(cat "$X/haproxy.pid")"
	rm -f "$X/haproxy.pid"
	stop b
	[ "$(cat "$X"/codes.* | wc -l)" -eq 1200 ]
	[ "$(sort -u "$X"/codes.*)" = 200 ]
}

@test "examples/serve: the C, Rust and AssemblyScript handlers answer" {
	ex=$BATS_TEST_DIRNAME/../examples/serve
	# built here, then served together
	[ -x /usr/bin/rustc ] || skip "Debian's rustc is not installed"
	/usr/bin/rustc --target wasm32-wasi -O -C debuginfo=0 "$ex/hello.rs" -o "$X/hello-rust.wasm"
	wasm-aot "$X/hello-rust.wasm" -o "$X/hello-rust.so"
	routes=(--route /c="$X/hello.so" --route /rust="$X/hello-rust.so")
	if command -v npm >/dev/null &&
		timeout 300 npm install --prefix "$X/as" --no-audit --no-fund --silent \
			assemblyscript@0.27 @assemblyscript/wasi-shim@0.1 >/dev/null 2>&1; then
		# asc finds the shim's library only with a relative --config
		(cd "$X/as" && ./node_modules/.bin/asc "$ex/hello.ts" -O3 -o "$X/hello-as.wasm" \
			--config node_modules/@assemblyscript/wasi-shim/asconfig.json)
		wasm-aot "$X/hello-as.wasm" -o "$X/hello-as.so"
		routes+=(--route /as="$X/hello-as.so")
	fi
	start ex --access-log none "${routes[@]}"
	run curl -sS "http://127.0.0.1:$PORT/c?name=C"
	[ "$output" = "Hello, C!" ]
	run curl -sS --data-binary "12345" "http://127.0.0.1:$PORT/rust/path?name=Rust"
	[ "$output" = "$(printf 'Hello from Rust, Rust!\nPOST /path (5 bytes of body)')" ]
	if [ -f "$X/hello-as.so" ]; then
		run curl -sS "http://127.0.0.1:$PORT/as?name=AS"
		[ "$output" = "Hello from AssemblyScript, AS!" ]
	fi
	stop ex
	[ -f "$X/hello-as.so" ] || skip "AssemblyScript could not be installed from npm"
}
