// A wasm-serve handler in Rust, with the standard library only: the
// request is in the environment (CGI/1.1) and on stdin, the response a
// CGI header block, a blank line and the body on stdout.
//
//	rustc --target wasm32-wasi -O hello.rs -o hello.wasm
//	wasm-aot hello.wasm -o hello.so
//	wasm-serve --listen 127.0.0.1:8080 hello.so
//	curl -d 'some text' 'http://127.0.0.1:8080/?name=you'
use std::env;
use std::io::{self, Read, Write};

fn main() {
    let query = env::var("QUERY_STRING").unwrap_or_default();
    let name = query.strip_prefix("name=").unwrap_or("world");
    let mut body = Vec::new();
    io::stdin().read_to_end(&mut body).expect("stdin");
    let out = io::stdout();
    let mut out = out.lock();
    write!(out, "Content-Type: text/plain\r\n\r\n").unwrap();
    writeln!(out, "Hello from Rust, {}!", name).unwrap();
    writeln!(out, "{} {} ({} bytes of body)", env::var("REQUEST_METHOD").unwrap_or_default(),
             env::var("PATH_INFO").unwrap_or_default(), body.len()).unwrap();
}
