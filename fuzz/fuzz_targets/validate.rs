//! Any bytes as an agreement file: validation never panics, every finding points inside the
//! file, and a file that validates has no error findings.
#![no_main]

use datapact::agreement::validate::validate;
use datapact::config::Config;
use datapact::diagnostics::Severity;
use datapact::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = "agreements/icb-ecc-adult-social-care.toml";
    let source = SourceFile::from_bytes(name.into(), name.into(), data.to_vec());
    let lines = String::from_utf8_lossy(data).lines().count().max(1);
    let v = validate(&source, Some("icb-ecc-adult-social-care"), &Config::default());
    for f in &v.findings {
        assert!(f.line >= 1 && f.line <= lines + 1, "{f:?} outside the file");
        assert!(f.column >= 1, "{f:?}");
    }
    if v.agreement.is_some() {
        assert!(
            !v.findings
                .iter()
                .any(|f| f.rule.blocks_domain_model() && f.severity == Severity::Error),
            "a model built despite {:?}",
            v.findings
        );
    }
});
