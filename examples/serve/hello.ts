// A wasm-serve handler in AssemblyScript, through the WASI shim: the
// request is in the environment (CGI/1.1), the response a CGI header
// block, a blank line and the body on stdout.
//
//	npm install assemblyscript @assemblyscript/wasi-shim
//	npx asc hello.ts --config node_modules/@assemblyscript/wasi-shim/asconfig.json -O3 -o hello.wasm
//	wasm-aot hello.wasm -o hello.so
//	wasm-serve --listen 127.0.0.1:8080 hello.so
const env = process.env;
const query = env.has("QUERY_STRING") ? env.get("QUERY_STRING") : "";
const name = query.startsWith("name=") ? query.substring(5) : "world";
process.stdout.write("Content-Type: text/plain\r\n\r\n");
process.stdout.write("Hello from AssemblyScript, " + name + "!\n");
