//! Keys in an ssh-agent: `sign --key KEY.pub` (or `--key SHA256:...`) signs through a real
//! `ssh-agent` holding a key made by ssh-keygen whose private key file is gone; the signature is
//! byte for byte the one the key file makes, `verify` counts it and `ssh-keygen -Y verify`
//! accepts it. Without an agent, with one that does not hold the key, or with one that answers
//! with anything but that key's signature over the statement, nothing is written.

use crate::common::{self, ECC, ICB, ID, T0, TempWorkspace, text};
use crate::signing::openssh_available;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const NAMESPACE: &str = "datapact-agreement@datapact.dev";

/// A real `ssh-agent -D -a SOCKET` on a socket in its own temporary folder, killed when dropped,
/// so a failing test never leaves it running.
pub(crate) struct Agent {
    child: Child,
    pub(crate) socket: PathBuf,
    // Removed after the agent is killed (fields drop after `drop`).
    _dir: tempfile::TempDir,
}

impl Agent {
    pub(crate) fn start() -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The guard exists before anything can fail, so the agent is killed whatever happens.
        let agent = Agent {
            child,
            socket,
            _dir: dir,
        };
        // Ready when it accepts a connection: the socket's file exists from its `bind`, a
        // moment before its `listen`, and a client in that moment is refused (seen under load).
        for _ in 0..1000 {
            if std::os::unix::net::UnixStream::connect(&agent.socket).is_ok() {
                return agent;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!(
            "ssh-agent accepts no connection at {}",
            agent.socket.display()
        );
    }

    /// `ssh-add KEY` into this agent.
    pub(crate) fn add(&self, key: &Path) {
        let out = Command::new("ssh-add")
            .arg(key)
            .env("SSH_AUTH_SOCK", &self.socket)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "ssh-add: {}", text(&out.stderr));
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A workspace in git with the example agreement and, for each party, an Ed25519 key made by
/// ssh-keygen (`key_path("icb")`, `key_path("ecc")`) and enrolled (dpo) from its `.pub`.
fn workspace() -> (TempWorkspace, PathBuf, PathBuf) {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), common::example(ID));
    ws.set_committer();
    let mut keys = Vec::new();
    for (party, principal, name) in [
        (ICB, "priya@nhs.net", "icb"),
        (ECC, "mark@essex.gov.uk", "ecc"),
    ] {
        let key = ws.key_path(name);
        common::ssh_keygen_key(&key, principal);
        let public = format!("{}.pub", key.display());
        ws.keys_add_dpo(party, principal, &public);
        keys.push(key);
    }
    ws.commit_all("agreement and keys", "2026-03-01T10:00:00Z");
    let ecc = keys.pop().unwrap();
    (ws, keys.pop().unwrap(), ecc)
}

/// `datapact sign ID --party PARTY --key KEY --signed-at T0` with `SSH_AUTH_SOCK` set to
/// `socket` (or unset), and nothing on standard input (no passphrase can be typed).
fn sign(ws: &TempWorkspace, party: &str, key: &str, socket: Option<&Path>) -> Output {
    let mut cmd = ws.cmd();
    cmd.args([
        "sign",
        ID,
        "--party",
        party,
        "--key",
        key,
        "--signed-at",
        T0,
    ])
    .write_stdin("");
    if let Some(socket) = socket {
        cmd.env("SSH_AUTH_SOCK", socket);
    }
    let out = cmd.output().unwrap();
    common::assert_no_panic(&out);
    out
}

/// A party's statement and signature paths for version 1.
fn files(ws: &TempWorkspace, party: &str) -> (PathBuf, PathBuf) {
    let dir = ws.root().join(format!("signatures/{ID}/v1"));
    (
        dir.join(format!("{party}.toml")),
        dir.join(format!("{party}.toml.sig")),
    )
}

/// The key id (`SHA256:...`) of a public key file, as `ssh-keygen -l` prints it.
fn fingerprint(public: &str) -> String {
    let out = Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f", public])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}

/// Signing through the agent: with the public key file for the ICB, with the key id for the
/// council, each private key file removed first. The ICB's signature is the very bytes its
/// key file made for the same statement (Ed25519 signatures are deterministic), both count,
/// and ssh-keygen accepts them; no passphrase is asked for.
#[test]
fn sign_through_an_agent_with_a_public_key_file_or_a_key_id() {
    if !openssh_available(&["ssh-keygen", "ssh-agent", "ssh-add"]) {
        return;
    }
    let (ws, icb, ecc) = workspace();
    let icb_pub = format!("{}.pub", icb.display());
    let ecc_pub = format!("{}.pub", ecc.display());
    let (icb_stmt, icb_sig) = files(&ws, ICB);

    // What the key file makes, kept to compare with what the agent makes.
    let out = sign(&ws, ICB, icb.to_str().unwrap(), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let by_file = (
        std::fs::read(&icb_stmt).unwrap(),
        std::fs::read(&icb_sig).unwrap(),
    );
    std::fs::remove_dir_all(ws.root().join("signatures")).unwrap();

    let agent = Agent::start();
    agent.add(&icb);
    agent.add(&ecc);
    std::fs::remove_file(&icb).unwrap();
    std::fs::remove_file(&ecc).unwrap();

    let out = sign(&ws, ICB, &icb_pub, Some(&agent.socket));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let icb_id = fingerprint(&icb_pub);
    assert!(
        text(&out.stderr).contains(&format!("asking the ssh-agent to sign with key {icb_id}")),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).to_lowercase().contains("passphrase"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&icb_stmt).unwrap(), by_file.0);
    assert_eq!(
        std::fs::read(&icb_sig).unwrap(),
        by_file.1,
        "the agent's signature differs from the key file's"
    );

    // A passphrase file given as well (a script's usual options) is not read, and the note
    // says so rather than leaving the user to wonder which secret was used.
    let ecc_id = fingerprint(&ecc_pub);
    let unused = ws.key_path("passphrase.txt");
    let out = ws
        .cmd()
        .args([
            "sign",
            ID,
            "--party",
            ECC,
            "--key",
            &ecc_id,
            "--signed-at",
            T0,
        ])
        .arg("--passphrase-file")
        .arg(&unused)
        .env("SSH_AUTH_SOCK", &agent.socket)
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "--passphrase-file {} is not read: the ssh-agent holds the key and signs",
            unused.display()
        )),
        "{}",
        text(&out.stderr)
    );
    drop(agent);

    let out = ws.output(&["--today", "2026-04-02", "verify", ID, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parties = json["agreements"][0]["parties"].as_array().unwrap();
    for party in [ICB, ECC] {
        let status = parties.iter().find(|p| p["party"] == party).unwrap();
        assert_eq!(status["status"], "signed", "{party}: {json}");
    }

    let allowed = ws.export_allowed_signers();
    for (party, principal) in [(ICB, "priya@nhs.net"), (ECC, "mark@essex.gov.uk")] {
        let (stmt, sig) = files(&ws, party);
        let verified = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args(["-I", principal, "-n", NAMESPACE])
            .arg("-Overify-time=20260401100000Z")
            .arg("-s")
            .arg(&sig)
            .stdin(std::fs::File::open(&stmt).unwrap())
            .output()
            .unwrap();
        assert!(
            verified.status.success(),
            "ssh-keygen -Y verify of {party}'s signature: {}",
            text(&verified.stderr)
        );
    }
}

/// Without a running agent (`SSH_AUTH_SOCK` unset, or naming a socket nobody listens on), a
/// public key file or key id is refused, saying how to start one and add the key; exit 2 (this
/// computer's set-up is missing, not something wrong in the workspace), nothing written.
#[test]
fn without_an_agent_signing_through_one_is_refused_and_nothing_is_written() {
    if !openssh_available(&["ssh-keygen"]) {
        return;
    }
    let (ws, icb, _) = workspace();
    let icb_pub = format!("{}.pub", icb.display());
    let id = fingerprint(&icb_pub);
    let gone = ws.key_path("no-agent.sock");
    for (key, socket) in [
        (icb_pub.as_str(), None),
        (id.as_str(), None),
        (icb_pub.as_str(), Some(gone.as_path())),
    ] {
        let out = sign(&ws, ICB, key, socket);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key}: {err}");
        match socket {
            None => assert!(
                err.contains(&format!(
                    "--key {key} names a key to sign with through an ssh-agent, but no agent is running here (SSH_AUTH_SOCK is not set)"
                )),
                "{err}"
            ),
            Some(socket) => assert!(
                err.contains(&format!(
                    "cannot reach the ssh-agent at {} (SSH_AUTH_SOCK)",
                    socket.display()
                )),
                "{err}"
            ),
        }
        assert!(err.contains("`eval $(ssh-agent)`"), "{err}");
        // The private key file is beside the public one: the hint names it.
        let add = if key == id {
            "`ssh-add PRIVATE_KEY_FILE`".to_string()
        } else {
            format!("`ssh-add {}`", icb.display())
        };
        assert!(err.contains(&add), "{err}");
        assert!(!ws.root().join("signatures").exists(), "{key}: written");
    }
}

/// An agent that does not hold the key is refused, naming the key id that is missing and
/// `ssh-add`; exit 2, nothing written. A key id of a key the agent holds that is not Ed25519 is
/// refused as such.
#[test]
fn an_agent_without_the_key_is_refused_naming_it_and_nothing_is_written() {
    if !openssh_available(&["ssh-keygen", "ssh-agent", "ssh-add"]) {
        return;
    }
    let (ws, icb, ecc) = workspace();
    let icb_pub = format!("{}.pub", icb.display());
    let id = fingerprint(&icb_pub);
    let agent = Agent::start();
    agent.add(&ecc);
    for key in [icb_pub.as_str(), id.as_str()] {
        let out = sign(&ws, ICB, key, Some(&agent.socket));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key}: {err}");
        assert!(
            err.contains(&format!(
                "the ssh-agent at {} (SSH_AUTH_SOCK) does not hold key {id}, which --key {key} names (it holds 1 other key)",
                agent.socket.display()
            )),
            "{err}"
        );
        assert!(err.contains("ssh-add"), "{err}");
        assert!(!ws.root().join("signatures").exists(), "{key}: written");
    }

    let ecdsa = ws.key_path("ecdsa");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ecdsa", "-N", "", "-f"])
        .arg(&ecdsa)
        .status()
        .unwrap();
    assert!(made.success());
    agent.add(&ecdsa);
    let ecdsa_id = fingerprint(&format!("{}.pub", ecdsa.display()));
    let out = sign(&ws, ICB, &ecdsa_id, Some(&agent.socket));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "key {ecdsa_id} in the ssh-agent cannot sign for datapact: it is an ecdsa-sha2-nistp256 key; datapact signs with Ed25519 keys only"
        )),
        "{err}"
    );
    assert!(!ws.root().join("signatures").exists(), "written");
}

/// An agent that lies: it lists the enrolled key, then answers a sign request with something
/// other than that key's signature over the statement. Each lie is refused with exit 2 before
/// anything is written, naming what the agent answered: a signature by another key, a signature
/// over other data, another algorithm's signature (its name shown escaped, so a line break in it
/// cannot forge a line), a malformed Ed25519 signature.
#[test]
fn an_agent_that_answers_with_a_wrong_signature_is_refused_and_nothing_is_written() {
    use ed25519_dalek::{Signer, SigningKey};
    let enrolled = SigningKey::from_bytes(&[7; 32]);
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), common::example(ID));
    let public = ws.key_path("enrolled.pub");
    let openssh = ssh_key::PublicKey::from(ssh_key::public::Ed25519PublicKey(
        enrolled.verifying_key().to_bytes(),
    ))
    .to_openssh()
    .unwrap();
    std::fs::write(&public, format!("{openssh} priya@nhs.net\n")).unwrap();
    ws.keys_add_dpo(ICB, "priya@nhs.net", public.to_str().unwrap());

    type Lie = fn(&SigningKey, &[u8]) -> (String, Vec<u8>);
    let lies: [(&str, Lie, &str); 5] = [
        (
            "another key",
            |_, data| {
                let other = SigningKey::from_bytes(&[9; 32]);
                ("ssh-ed25519".into(), other.sign(data).to_bytes().to_vec())
            },
            "a signature that does not verify",
        ),
        (
            "other data",
            |key, _| {
                let sig = key.sign(b"something else");
                ("ssh-ed25519".into(), sig.to_bytes().to_vec())
            },
            "a signature that does not verify",
        ),
        (
            "another algorithm",
            |_, _| ("rsa-sha2-512".into(), vec![1; 256]),
            "an rsa-sha2-512 signature",
        ),
        // An algorithm name that tries to forge a line of the terminal: shown escaped.
        (
            "a forged line",
            |_, _| ("x@a\nerror: forged".into(), vec![1; 64]),
            "an x@a\\nerror: forged signature",
        ),
        // Refused by the agent protocol's decoding already, before datapact's own checks.
        (
            "a malformed signature",
            |_, _| ("ssh-ed25519".into(), vec![1; 10]),
            "did not sign with key",
        ),
    ];
    for (what, lie, says) in lies {
        let agent = FakeAgent::start(enrolled.clone(), lie);
        let out = sign(&ws, ICB, public.to_str().unwrap(), Some(&agent.socket));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        let said = if says.starts_with("did not") {
            err.contains(says)
        } else {
            err.contains(&format!("answered with {says} for key"))
                && err.contains("nothing was written")
        };
        assert!(said, "{what}: {err}");
        assert!(
            !err.lines().any(|l| l.starts_with("error: forged")),
            "{what}: {err}"
        );
        assert!(!ws.root().join("signatures").exists(), "{what}: written");
    }
}

/// A minimal ssh-agent on a Unix socket, speaking the agent protocol (draft-miller-ssh-agent)
/// by hand: it lists one Ed25519 key and answers every sign request with what `answer` makes
/// of the data (algorithm name, signature bytes).
struct FakeAgent {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl FakeAgent {
    fn start(
        key: ed25519_dalek::SigningKey,
        answer: fn(&ed25519_dalek::SigningKey, &[u8]) -> (String, Vec<u8>),
    ) -> FakeAgent {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("agent.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let key = key.clone();
                std::thread::spawn(move || {
                    while let Some(request) = read_message(&mut stream) {
                        let reply = fake_reply(&key, answer, &request);
                        if write_message(&mut stream, &reply).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FakeAgent { socket, _dir: dir }
    }
}

/// The agent protocol's string: a big-endian u32 length, then the bytes.
fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The reply to one request: the identities (11 -> 12), a signature (13 -> 14), or failure (5).
fn fake_reply(
    key: &ed25519_dalek::SigningKey,
    answer: fn(&ed25519_dalek::SigningKey, &[u8]) -> (String, Vec<u8>),
    request: &[u8],
) -> Vec<u8> {
    let mut blob = Vec::new();
    put_string(&mut blob, b"ssh-ed25519");
    put_string(&mut blob, &key.verifying_key().to_bytes());
    let mut reply = Vec::new();
    match request.first() {
        Some(11) => {
            reply.push(12);
            reply.extend_from_slice(&1u32.to_be_bytes());
            put_string(&mut reply, &blob);
            put_string(&mut reply, b"enrolled");
        }
        Some(13) => {
            // key blob, then the data to sign, then flags.
            let field = |at: usize| {
                let len = u32::from_be_bytes(request[at..at + 4].try_into().unwrap()) as usize;
                (&request[at + 4..at + 4 + len], at + 4 + len)
            };
            let (_, next) = field(1);
            let (data, _) = field(next);
            let (algorithm, bytes) = answer(key, data);
            let mut signature = Vec::new();
            put_string(&mut signature, algorithm.as_bytes());
            put_string(&mut signature, &bytes);
            reply.push(14);
            put_string(&mut reply, &signature);
        }
        _ => reply.push(5),
    }
    reply
}

fn read_message(stream: &mut std::os::unix::net::UnixStream) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).ok()?;
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    stream.read_exact(&mut body).ok()?;
    Some(body)
}

fn write_message(stream: &mut std::os::unix::net::UnixStream, body: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    stream.write_all(&(body.len() as u32).to_be_bytes())?;
    stream.write_all(body)
}
