// std::fs, std::io and std::time through WASI: run in a directory of its
// own (the current directory natively, a preopen "." under wasm-run),
// the same program prints the same lines both ways.  The directory holds
// a symlink "link" -> "target.txt" made by the test (making symlinks is
// not stable on wasm32-wasi in Rust 1.63).
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Seek, SeekFrom, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn kind(e: &io::Error) -> String {
    format!("{:?}", e.kind())
}

fn files() -> io::Result<()> {
    fs::write("config.toml", "name = \"wasm-aot\"\nthreads = 2\n")?;
    let text = fs::read_to_string("config.toml")?;
    println!("read_to_string: {} lines, {} bytes", text.lines().count(), text.len());
    let mut f = OpenOptions::new().append(true).open("config.toml")?;
    writeln!(f, "appended = true")?;
    drop(f);
    let f = BufReader::new(File::open("config.toml")?);
    for (i, line) in f.lines().enumerate() {
        println!("line {}: {}", i + 1, line?);
    }
    let mut f = OpenOptions::new().read(true).write(true).create(true).open("data.bin")?;
    f.write_all(&(0u8..=255).collect::<Vec<u8>>())?;
    f.seek(SeekFrom::Start(250))?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail)?;
    println!("after seek 250: {:?}", tail);
    f.set_len(100)?;
    println!("set_len 100: metadata len {}", f.metadata()?.len());
    f.sync_all()?;
    match File::open("missing.txt") {
        Err(e) => println!("open missing: {}", kind(&e)),
        Ok(_) => println!("open missing: opened"),
    }
    match OpenOptions::new().write(true).create_new(true).open("data.bin") {
        Err(e) => println!("create_new existing: {}", kind(&e)),
        Ok(_) => println!("create_new existing: created"),
    }
    Ok(())
}

fn dirs() -> io::Result<()> {
    fs::create_dir_all("tree/a/b")?;
    fs::write("tree/a/one.txt", "1")?;
    fs::write("tree/a/b/two.txt", "22")?;
    fs::write("tree/three.txt", "333")?;
    let mut names: Vec<String> = Vec::new();
    walk("tree", &mut names)?;
    names.sort();
    for n in &names {
        println!("walk: {}", n);
    }
    match fs::remove_dir("tree") {
        // the kind differs: Rust 1.63 maps ENOTEMPTY on wasi to Uncategorized
        Err(_) => println!("remove_dir non-empty: fails"),
        Ok(_) => println!("remove_dir non-empty: removed"),
    }
    fs::rename("tree/a/one.txt", "tree/uno.txt")?;
    println!("renamed exists: {}", fs::metadata("tree/uno.txt").is_ok());
    fs::copy("tree/uno.txt", "tree/copy.txt")?;
    println!("copy: {}", fs::read_to_string("tree/copy.txt")?);
    fs::remove_dir_all("tree")?;
    println!("tree gone: {}", fs::metadata("tree").map(|_| "no").unwrap_or_else(|e| if e.kind() == ErrorKind::NotFound { "yes" } else { "?" }));
    Ok(())
}

fn walk(dir: &str, out: &mut Vec<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = format!("{}/{}", dir, entry.file_name().to_string_lossy());
        let ft = entry.file_type()?;
        if ft.is_dir() {
            out.push(format!("{}/", path));
            walk(&path, out)?;
        } else {
            out.push(format!("{} {}", path, entry.metadata()?.len()));
        }
    }
    Ok(())
}

fn links() -> io::Result<()> {
    fs::write("target.txt", "pointed at")?;
    println!("read_link: {}", fs::read_link("link")?.display());
    println!("through link: {}", fs::read_to_string("link")?);
    println!("symlink_metadata is_symlink: {}", fs::symlink_metadata("link")?.file_type().is_symlink());
    println!("metadata is_file: {}", fs::metadata("link")?.is_file());
    fs::hard_link("target.txt", "hard.txt")?;
    println!("hard link reads: {}", fs::read_to_string("hard.txt")?);
    for p in ["hard.txt", "target.txt", "config.toml", "data.bin"] {
        fs::remove_file(p)?;
    }
    Ok(())
}

fn times() -> io::Result<()> {
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_millis(15));
    println!("slept at least 15 ms: {}", t0.elapsed() >= Duration::from_millis(15));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    println!("system time after 2020: {}", now.as_secs() > 1_577_836_800);
    fs::write("t.txt", "x")?;
    let m = fs::metadata("t.txt")?.modified()?;
    let age = SystemTime::now().duration_since(m).unwrap_or(Duration::ZERO);
    println!("fresh file is under a minute old: {}", age < Duration::from_secs(60));
    fs::remove_file("t.txt")?;
    Ok(())
}

fn main() {
    let steps: [(&str, fn() -> io::Result<()>); 4] = [("files", files), ("dirs", dirs), ("links", links), ("times", times)];
    for (name, step) in steps {
        if let Err(e) = step() {
            println!("{} failed: {}", name, e);
            std::process::exit(1);
        }
    }
    let left: Vec<_> = fs::read_dir(".").unwrap().map(|e| e.unwrap().file_name()).collect();
    println!("left behind: {}", left.len());
}

