fn main() {
    // The check from the build script too: findings in `cargo build`, and cfg(size_optimized).
    size_profile::check();
    // `.eh_frame_hdr` only serves unwinding, and with panic = "abort" nothing unwinds
    // (debuggers read `.eh_frame` itself): 192 bytes of a 5 KB binary.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg-bins=-Wl,--no-eh-frame-hdr");
    }
}
