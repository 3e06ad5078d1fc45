//! `examples/cli` does its job for real: a folder pushed to a content repository (a small HTTP
//! server on loopback, here) as a zip comes back byte for byte.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use size_profile_tests::repo_root;

type Store = Arc<Mutex<BTreeMap<String, Vec<u8>>>>;

/// How many files (not directories) a zip holds, from its central directory.
fn files_in_zip(zip: &[u8]) -> u64 {
    let mut files = 0;
    let mut at = 0;
    while let Some(pos) = zip[at..]
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
    {
        let header = at + pos;
        let Some(fixed) = zip.get(header..header + 46) else {
            break;
        };
        let name_len = u16::from_le_bytes([fixed[28], fixed[29]]) as usize;
        let name = &zip[header + 46..header + 46 + name_len];
        if !name.ends_with(b"/") {
            files += 1;
        }
        at = header + 46 + name_len;
    }
    files
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// Serves `requests` requests of the content repository protocol, then stops.
fn serve(listener: TcpListener, store: Store, requests: usize) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let mut parts = line.split_whitespace();
            let (method, path) = (
                parts.next().unwrap_or("").to_owned(),
                parts.next().unwrap_or("").to_owned(),
            );
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = header.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let name = path
                .strip_prefix("/repos/")
                .and_then(|n| n.strip_suffix(".zip"))
                .map(str::to_owned);
            match (method.as_str(), name) {
                ("PUT", Some(name)) => {
                    let reply = format!(
                        r#"{{"name":"{name}","bytes":{},"files":{}}}"#,
                        body.len(),
                        files_in_zip(&body)
                    );
                    store.lock().unwrap().insert(name, body);
                    respond(
                        &mut stream,
                        "201 Created",
                        "application/json",
                        reply.as_bytes(),
                    );
                }
                ("GET", Some(name)) => match store.lock().unwrap().get(&name) {
                    Some(zip) => respond(&mut stream, "200 OK", "application/zip", zip),
                    None => respond(
                        &mut stream,
                        "404 Not Found",
                        "text/plain",
                        b"no such folder",
                    ),
                },
                ("GET", None) if path == "/repos" => {
                    let list: Vec<String> = store
                        .lock()
                        .unwrap()
                        .iter()
                        .map(|(n, z)| {
                            format!(
                                r#"{{"name":"{n}","bytes":{},"files":{}}}"#,
                                z.len(),
                                files_in_zip(z)
                            )
                        })
                        .collect();
                    respond(
                        &mut stream,
                        "200 OK",
                        "application/json",
                        format!("[{}]", list.join(",")).as_bytes(),
                    );
                }
                _ => respond(&mut stream, "405 Method Not Allowed", "text/plain", b""),
            }
        }
    })
}

fn foldersync(args: &[&str], remote: &str) -> Output {
    let exe = repo_root().join("target/examples/debug/foldersync");
    size_profile_tests::hermetic::command(&exe)
        .args(args)
        .env("FOLDERSYNC_REMOTE", remote)
        .output()
        .expect("foldersync runs")
}

fn write(path: &Path, data: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(rel, b"<dir>".to_vec());
                stack.push(path);
            } else {
                #[allow(clippy::disallowed_methods)]
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
#[ignore = "compiles the example's HTTPS and zip crates: .ci/run runs it (cargo test --workspace --tests -- --ignored)"]
fn a_pushed_folder_comes_back_byte_for_byte() {
    let build = size_profile_tests::hermetic::cargo()
        .args(["build", "--quiet"])
        .current_dir(repo_root().join("examples/cli"))
        .env("CARGO_TARGET_DIR", repo_root().join("target/examples"))
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let work = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!("foldersync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let (src, dst) = (work.join("site"), work.join("copy"));
    write(&src.join("index.html"), b"<h1>hello</h1>\n");
    write(
        &src.join("assets/logo.bin"),
        &(0..=255u8).collect::<Vec<_>>(),
    );
    write(&src.join("assets/css/site.css"), b"body { margin: 0 }\n");
    std::fs::create_dir_all(src.join("drafts")).unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let remote = format!("http://{}", listener.local_addr().unwrap());
    let server = serve(listener, Store::default(), 4);

    let push = foldersync(&["push", src.to_str().unwrap(), "--name", "site"], &remote);
    let stdout = String::from_utf8_lossy(&push.stdout);
    assert!(
        push.status.success(),
        "{}",
        String::from_utf8_lossy(&push.stderr)
    );
    assert!(stdout.starts_with("pushed 3 files as site ("), "{stdout}");

    let list = foldersync(&["list"], &remote);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.starts_with("site\t3 files\t") && listed.ends_with(" bytes\n"),
        "{listed}"
    );

    let pull = foldersync(&["pull", "site", dst.to_str().unwrap()], &remote);
    assert!(
        pull.status.success(),
        "{}",
        String::from_utf8_lossy(&pull.stderr)
    );
    assert_eq!(tree(&dst), tree(&src), "the folder came back different");

    let missing = foldersync(&["pull", "nothing", dst.to_str().unwrap()], &remote);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("404"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    server.join().expect("the server stops after its requests");
    let _ = std::fs::remove_dir_all(&work);
}
