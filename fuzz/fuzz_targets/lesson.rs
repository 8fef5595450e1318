//! Lessons are files an instructor writes and the page fetches by URL (`?lesson=URL`): any text
//! gives a lesson or an error with its line, never a panic; a lesson that parses can be loaded,
//! started and its checks evaluated on the textbook world.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::lesson::Lesson;
use maillab::shell::Lab;
use maillab::time::TEXTBOOK_EPOCH;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if Lesson::parse(text).is_err() {
        return;
    }
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    if let Ok(number) = lab.load_lesson(text) {
        let term = lab.main_terminal();
        let _ = lab.exec(term, &format!("lesson start {number}"));
        let _ = lab.exec(term, "nc mail.crepes.fr 7");
        let _ = lab.lesson_checks();
        let _ = lab.exec(term, "lesson");
    }
});
