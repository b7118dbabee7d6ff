//! SECURITY.md names the test behind each protection as `file::test`. Each must exist, as a
//! test function in that file, so the page can never cite a test that was renamed or removed
//! (CI runs every test, so each one cited also passes).

use crate::common::repo;

#[test]
fn security_md_names_only_tests_that_exist() {
    let page = std::fs::read_to_string(repo().join("SECURITY.md")).unwrap();
    let mut cited = 0;
    for quoted in page.split('`').skip(1).step_by(2) {
        let Some((file, test)) = quoted.split_once("::") else {
            continue;
        };
        if !file.ends_with(".rs") {
            continue;
        }
        cited += 1;
        let source = std::fs::read_to_string(repo().join(file))
            .unwrap_or_else(|e| panic!("SECURITY.md cites {file}, which cannot be read: {e}"));
        // The function is a test: `#[test]` among the attributes and comments just above it.
        let defines = source.find(&format!("fn {test}(")).is_some_and(|at| {
            source[..at]
                .trim_end()
                .lines()
                .rev()
                .map(str::trim)
                .take_while(|l| l.starts_with("#[") || l.starts_with("//"))
                .any(|l| l == "#[test]")
        });
        assert!(
            defines,
            "SECURITY.md cites {file}::{test}, which is not a test there"
        );
    }
    assert!(cited >= 30, "SECURITY.md cites only {cited} tests");
}
