//! foldersync: push a folder to a content repository as a zip, pull it back, list what is
//! there. The repository speaks plain HTTP(S):
//!
//! - `PUT  {remote}/repos/{name}.zip` stores a folder, answers `{"name", "bytes", "files"}`
//! - `GET  {remote}/repos/{name}.zip` returns it
//! - `GET  {remote}/repos` lists `[{"name", "bytes", "files"}]`

use std::error::Error;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Deserialize;
use size_profile_macros::size_optimized;

/// Sync a local folder with a remote content repository.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Base URL of the content repository.
    #[arg(long, env = "FOLDERSYNC_REMOTE", default_value = "http://127.0.0.1:8080")]
    remote: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Zip a folder and upload it under a name.
    Push {
        /// The folder to upload.
        dir: PathBuf,
        /// The name to store it under.
        #[arg(long)]
        name: String,
    },
    /// Download a named folder and unpack it.
    Pull {
        /// The name it is stored under.
        name: String,
        /// Where to unpack it.
        dir: PathBuf,
    },
    /// List the folders in the repository.
    List,
}

/// A stored folder, as the repository describes it.
#[derive(Debug, Deserialize)]
struct Stored {
    name: String,
    bytes: u64,
    files: u64,
}

type Result<T> = std::result::Result<T, Box<dyn Error>>;

#[size_optimized]
fn main() -> ExitCode {
    match run(&Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<()> {
    let base = cli.remote.trim_end_matches('/');
    match &cli.command {
        Command::Push { dir, name } => {
            let (zip, files) = pack(dir)?;
            let url = format!("{base}/repos/{name}.zip");
            let mut response = ureq::put(&url).header("content-type", "application/zip").send(&zip[..])?;
            let stored: Stored = response.body_mut().read_json()?;
            println!("pushed {files} files as {} ({} bytes zipped)", stored.name, stored.bytes);
        }
        Command::Pull { name, dir } => {
            let url = format!("{base}/repos/{name}.zip");
            let mut response = ureq::get(&url).call()?;
            let zip = response.body_mut().with_config().limit(1 << 30).read_to_vec()?;
            let files = unpack(&zip, dir)?;
            println!("pulled {files} files into {}", dir.display());
        }
        Command::List => {
            let mut response = ureq::get(&format!("{base}/repos")).call()?;
            let stored: Vec<Stored> = response.body_mut().read_json()?;
            for s in stored {
                println!("{}\t{} files\t{} bytes", s.name, s.files, s.bytes);
            }
        }
    }
    Ok(())
}

/// Zips every file under `dir`, with paths relative to it.
fn pack(dir: &Path) -> Result<(Vec<u8>, u64)> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files = 0;
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        let relative = entry.path().strip_prefix(dir)?;
        if relative.as_os_str().is_empty() {
            continue;
        }
        let name = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            writer.add_directory(name, options)?;
        } else {
            writer.start_file(name, options)?;
            writer.write_all(&std::fs::read(entry.path())?)?;
            files += 1;
        }
    }
    Ok((writer.finish()?.into_inner(), files))
}

/// Unpacks a zip into `dir`, refusing entries that would land outside it.
fn unpack(zip: &[u8], dir: &Path) -> Result<u64> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip))?;
    let mut files = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let Some(relative) = entry.enclosed_name() else {
            return Err(format!("refusing an entry outside the folder: {}", entry.name()?).into());
        };
        let out = dir.join(relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&out)?;
            continue;
        }
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut data = Vec::new();
        entry.read_to_end(&mut data)?;
        std::fs::write(&out, data)?;
        files += 1;
    }
    Ok(files)
}
