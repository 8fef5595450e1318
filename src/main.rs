//! The `maillab` binary: the web page's entry point on wasm32, the command line on the host.

#[cfg(target_arch = "wasm32")]
fn main() {
    maillab::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match maillab::cli::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // A closed stdout (`maillab shell | head`) is a normal way to stop.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("maillab: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
