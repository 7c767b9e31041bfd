//! Tests against the shared corpus, helm-written goldens, the real helm binary, and mutated inputs.
//!
//! The corpus is found through `CHARTPACK_CORPUS` (default `../../../shared/corpus` from this
//! crate); helm through `HELM` (default `~/.cache/chartpack/helm`, then `helm` on
//! `PATH`; only v4 is used). Tests that need either print a note and pass when it is absent.

#![allow(clippy::disallowed_methods, clippy::print_stdout)] // tests read the corpus, run helm, print notes

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::*;

// ---- helpers --------------------------------------------------------------------------------------

use chartpack_testkit::{corpus, Helm};

/// Runs helm in `cwd`: (success, stdout, stderr).
fn run(helm: &Helm, cwd: &Path, args: &[&str]) -> (bool, String, String) {
    let out = helm.run(cwd, args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `helm show chart <name>` on `bytes` written to `dir/name`: `Ok(())` or helm's error message.
fn show_chart(helm: &Helm, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(dir.join(name), bytes).expect("write archive");
    let (ok, _, err) = run(helm, dir, &["show", "chart", name]);
    if ok {
        Ok(())
    } else {
        Err(err.trim_end().strip_prefix("Error: ").unwrap_or(err.trim_end()).to_owned())
    }
}

/// A fresh directory under the target dir's tmp (or the system temp dir).
fn scratch(name: &str) -> PathBuf {
    let base = option_env!("CARGO_TARGET_TMPDIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("chartpack-archive-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Rewrites what `read_chart_archive` read from a helm archive with `write_tar`.
fn rewrite(archive: &ReadArchive) -> Vec<u8> {
    let paths: Vec<String> = archive.files.iter().map(|f| format!("{}/{}", archive.top_dir, f.path)).collect();
    let entries: Vec<TarEntry<'_>> =
        archive.files.iter().zip(&paths).map(|(f, p)| TarEntry { path: p, data: &f.data, mtime: f.mtime }).collect();
    write_tar(&entries)
}

/// Asserts that `write_tar` reproduces the tar stream inside a helm-written archive byte for byte,
/// and that the gzip framing up to the DEFLATE data is helm's.
#[track_caller]
fn check_same_as_helm(helm_tgz: &[u8], what: &str) {
    assert_eq!(&helm_tgz[..HELM_GZIP_HEADER.len()], HELM_GZIP_HEADER, "{what}: gzip header");
    let helm_tar = gunzip(helm_tgz, 1 << 30).expect("helm archive gunzips");
    let read = read_chart_archive(helm_tgz, what, &HELM_LIMITS).expect("helm archive reads");
    let ours = rewrite(&read);
    if ours != helm_tar {
        let at = ours.iter().zip(&helm_tar).position(|(a, b)| a != b).unwrap_or(ours.len().min(helm_tar.len()));
        let block = at / 512 * 512;
        panic!(
            "{what}: tar differs at byte {at} (block {block}, lengths {} vs helm {})\nours: {:?}\nhelm: {:?}",
            ours.len(),
            helm_tar.len(),
            String::from_utf8_lossy(&ours[block..(block + 512).min(ours.len())]),
            String::from_utf8_lossy(&helm_tar[block..(block + 512).min(helm_tar.len())]),
        );
    }
    // And our full archive decodes to the same stream.
    assert_eq!(gunzip(&gzip_helm(&ours), 1 << 30).expect("ours gunzips"), helm_tar, "{what}");
}

// ---- writing: byte-identical to helm --------------------------------------------------------------

#[test]
fn writes_helm_golden_odd_names_byte_for_byte() {
    let golden = include_bytes!("../testdata/odd-names-0.1.0.tgz");
    check_same_as_helm(golden, "testdata/odd-names-0.1.0.tgz");
    let read = read_chart_archive(golden, "odd-names-0.1.0.tgz", &HELM_LIMITS).expect("reads");
    // The mtimes helm rounded: .4 down, .5 and .6 up; out-of-range ones kept through PAX.
    let mtime = |suffix: &str| read.files.iter().find(|f| f.path.ends_with(suffix)).map(|f| f.mtime);
    assert_eq!(mtime("frac4.txt"), Some(1_577_836_800));
    assert_eq!(mtime("frac5.txt"), Some(1_577_836_801));
    assert_eq!(mtime("frac6.txt"), Some(1_577_836_801));
    assert_eq!(mtime("old.txt"), Some(-631_152_000));
    assert_eq!(mtime("future.txt"), Some(10_413_792_000));
    assert_eq!(read.files.len(), 16);
}

#[test]
fn writes_corpus_helm_archives_byte_for_byte() {
    let Some(corpus) = corpus() else { return };
    // Archives in the corpus that helm itself wrote (gzip header is helm's).
    let mut n = 0;
    for entry in std::fs::read_dir(corpus.join("archives")).expect("list corpus") {
        let path = entry.expect("dir entry").path();
        let bytes = std::fs::read(&path).expect("read archive");
        if !bytes.starts_with(HELM_GZIP_HEADER) {
            continue;
        }
        // Older helm versions wrote the files' own modes; v3 and v4 write 0644.
        match gunzip(&bytes, 1 << 30) {
            Ok(tar) if tar.len() >= 512 && &tar[100..108] == b"0000644\0" => {}
            _ => continue,
        }
        let name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if read_chart_archive(&bytes, &name, &HELM_LIMITS).is_err() {
            continue;
        }
        let tar = gunzip(&bytes, 1 << 30).expect("gunzip");
        if tar.windows(3).any(|w| w == b"\xEF\xBB\xBF") {
            continue; // the reader strips BOMs, so rewriting would differ
        }
        check_same_as_helm(&bytes, &name);
        n += 1;
    }
    println!("{n} helm-written corpus archives reproduced");
}

#[test]
fn writes_like_live_helm() {
    let Some(helm) = Helm::find("package") else {
        return;
    };
    let dir = scratch("package");
    // The odd-names chart (built by testdata/regen.sh) and helm's own starter chart.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/regen.sh");
    let status = Command::new("bash")
        .arg(&script)
        .arg("--build-only")
        .arg(dir.join("odd-names"))
        .env("HELM", helm.path())
        .status()
        .expect("bash runs");
    assert!(status.success(), "regen.sh --build-only");
    let (ok, _, err) = run(&helm, &dir, &["create", "starter"]);
    assert!(ok, "helm create: {err}");
    for (chart, archive) in [("odd-names", "odd-names-0.1.0.tgz"), ("starter", "starter-0.1.0.tgz")] {
        let (ok, _, err) = run(&helm, &dir, &["package", chart]);
        assert!(ok, "helm package {chart}: {err}");
        let helm_tgz = std::fs::read(dir.join(archive)).expect("read helm archive");
        check_same_as_helm(&helm_tgz, archive);

        // helm reads what we write and sees the same chart.
        let read = read_chart_archive(&helm_tgz, archive, &HELM_LIMITS).expect("reads");
        let ours = gzip_helm(&rewrite(&read));
        std::fs::write(dir.join(format!("ours-{archive}")), &ours).expect("write ours");
        let (ok1, show_helm, _) = run(&helm, &dir, &["show", "all", archive]);
        let (ok2, show_ours, err) = run(&helm, &dir, &["show", "all", &format!("ours-{archive}")]);
        assert!(ok1 && ok2, "helm show all on our archive: {err}");
        assert_eq!(show_ours, show_helm, "{archive}");
    }
    // The archive we write for the same entries is the same file helm wrote in the golden.
    let golden = include_bytes!("../testdata/odd-names-0.1.0.tgz");
    let live = std::fs::read(dir.join("odd-names-0.1.0.tgz")).expect("read");
    assert_eq!(gunzip(&live, 1 << 30).ok(), gunzip(golden, 1 << 30).ok(), "golden is stale: run testdata/regen.sh");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tar_crate_reads_our_output() {
    let golden = include_bytes!("../testdata/odd-names-0.1.0.tgz");
    let read = read_chart_archive(golden, "odd-names.tgz", &HELM_LIMITS).expect("reads");
    let tar = rewrite(&read);
    let mut archive = ::tar::Archive::new(&tar[..]);
    let mut seen = Vec::new();
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let path = entry.path().expect("path").to_string_lossy().into_owned();
        let mtime = entry.header().mtime().ok();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).expect("data");
        seen.push((path, data, mtime));
    }
    assert_eq!(seen.len(), read.files.len());
    for ((path, data, _), file) in seen.iter().zip(&read.files) {
        assert_eq!(path, &format!("odd-names/{}", file.path));
        assert_eq!(data, &file.data);
    }
}

// ---- reading: the corpus ---------------------------------------------------------------------------

/// What chartpack does with a corpus archive.
enum Want {
    /// Reads it (helm may still fail later, at the chart level).
    Reads,
    /// Refuses it with helm's message from `golden/archives/<file>/show-chart.err`.
    HelmError,
    /// Refuses it with chartpack's own error (helm accepts the archive).
    Own(&'static str),
}

#[test]
fn corpus_archives() {
    let Some(corpus) = corpus() else { return };
    use Want::*;
    let table: &[(&str, Want)] = &[
        ("abs-path.tgz", Own("archive.absolute_name")),
        ("abs-path2.tgz", Reads),
        ("bom-chart-yaml.tgz", Reads),
        ("chart-with-uncompressed-dependencies-2.1.8.tgz", Reads),
        ("chart-yaml-at-root.tgz", HelmError),
        ("chart-yaml-invalid.tgz", Reads),
        ("compressedchart-0.1.0.tar.gz", Reads),
        ("compressedchart-with-hyphens-0.1.0.tgz", Reads),
        ("corrupted-compressed-chart.tgz", HelmError),
        ("dir-entries.tgz", Reads),
        ("dotdot-after-clean.tgz", HelmError),
        ("empty-0.0.1.tgz", Own("archive.irregular_entry")),
        ("empty-tar.tgz", HelmError),
        ("file-too-large.tgz", HelmError),
        ("frobnitz-1.2.3.tgz", Reads),
        ("frobnitz_backslash-1.2.3.tgz", Reads),
        ("frobnitz_with_bom.tgz", Reads),
        ("illegal-abspath.tgz", HelmError),
        ("illegal-abspath3.tgz", HelmError),
        ("illegal-abspath5.tgz", HelmError),
        ("illegal-dots.tgz", HelmError),
        ("illegal-dots2.tgz", HelmError),
        ("illegal-name.tgz", HelmError),
        ("illegal-name3.tgz", HelmError),
        ("long-name-ustar-prefix.tgz", Reads),
        ("mariner-4.3.2.tgz", Reads),
        ("name-mismatch.tgz", Reads),
        ("no-chart-yaml.tgz", Reads),
        ("not-gzip.tgz", HelmError),
        ("pax-global-header.tgz", Reads),
        ("pre-release-chart-0.1.0-alpha.tgz", Reads),
        ("reqtest-0.1.0.tgz", Reads),
        ("signtest-0.1.0.tgz", Reads),
        ("sprocket-1.1.0.tgz", Reads),
        ("symlink-entry.tgz", Own("archive.irregular_entry")),
        ("truncated.tgz", HelmError),
        ("values-instead-of-chart.yaml", HelmError),
        ("zip-not-tgz.tgz", HelmError),
    ];
    let listed: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    for entry in std::fs::read_dir(corpus.join("archives")).expect("list corpus") {
        let name = entry.expect("dir entry").file_name().to_string_lossy().into_owned();
        if !name.ends_with(".prov") && !name.ends_with(".pub") {
            assert!(listed.contains(&name.as_str()), "corpus archive {name} is not in the table");
        }
    }
    for (name, want) in table {
        let bytes = std::fs::read(corpus.join("archives").join(name)).expect("read corpus archive");
        // helm ran as `helm show chart archives/<file>` and printed that path.
        let display = format!("archives/{name}");
        let got = read_chart_archive(&bytes, &display, &HELM_LIMITS);
        let golden_err = std::fs::read_to_string(corpus.join("golden/archives").join(name).join("show-chart.err")).ok();
        let helm_msg = golden_err.as_deref().map(|e| e.trim_end().trim_start_matches("Error: ").to_owned());
        match (want, &got) {
            (Reads, Ok(a)) => {
                assert!(!a.files.is_empty(), "{name}");
                // Same regular files as an independent tar reader sees.
                let tar = gunzip(&bytes, 1 << 30).expect("gunzip");
                let mut n = 0;
                for e in ::tar::Archive::new(&tar[..]).entries().expect("entries") {
                    let e = e.expect("entry");
                    if e.header().entry_type().is_file() {
                        n += 1;
                    }
                }
                assert_eq!(a.files.len(), n, "{name}: file count");
            }
            (HelmError, Err(e)) => {
                assert!(e.is_helm_error(), "{name}: {e:?}");
                assert_eq!(Some(e.to_string()), helm_msg, "{name}");
            }
            (Own(code), Err(e)) => {
                assert_eq!(e.code(), *code, "{name}: {e}");
                assert!(!e.is_helm_error());
                // helm accepted the archive (any error it printed is about the chart, not the archive).
                if let Some(msg) = &helm_msg {
                    assert!(!is_archive_message(msg), "{name}: helm said {msg}");
                }
            }
            (_, got) => panic!("{name}: unexpected result {got:?}"),
        }
    }
}

/// Whether a helm error message comes from the archive layer (rather than from the chart).
fn is_archive_message(msg: &str) -> bool {
    [
        "chart illegally",
        "chart contains illegally",
        "chart yaml not in base",
        "decompressed chart",
        "no files in chart",
        "unexpected EOF",
        "EOF",
        "gzip:",
        "archive/tar:",
        "flate:",
        "file '",
    ]
    .iter()
    .any(|p| msg.starts_with(p))
}

// ---- reading: differential tests against the live helm --------------------------------------------

/// Raw tar building blocks for archives `write_tar` never writes.
mod raw {
    /// A header block; `fields` overrides byte ranges; the checksum is computed unless `bad_sum`.
    pub(super) fn header(name: &[u8], typeflag: u8, size: u64, fields: &[(usize, &[u8])]) -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
        b[100..108].copy_from_slice(b"0000644\0");
        b[108..124].copy_from_slice(b"0000000\x000000000\0");
        b[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        b[136..148].copy_from_slice(b"14750000000\0");
        b[156] = typeflag;
        b[257..265].copy_from_slice(b"ustar\x0000");
        for (at, bytes) in fields {
            b[*at..*at + bytes.len()].copy_from_slice(bytes);
        }
        sum(&mut b);
        b
    }

    pub(super) fn sum(b: &mut [u8]) {
        b[148..156].fill(b' ');
        let s: u32 = b.iter().map(|&x| u32::from(x)).sum();
        b[148..155].copy_from_slice(format!("{s:06o}\0").as_bytes());
    }

    pub(super) fn data(d: &[u8]) -> Vec<u8> {
        let mut v = d.to_vec();
        v.resize(d.len().div_ceil(512) * 512, 0);
        v
    }

    pub(super) fn file(name: &str, d: &[u8]) -> Vec<u8> {
        [header(name.as_bytes(), b'0', d.len() as u64, &[]), data(d)].concat()
    }

    pub(super) fn pax(typeflag: u8, records: &[u8]) -> Vec<u8> {
        [header(b"c/PaxHeaders.0/x", typeflag, records.len() as u64, &[]), data(records)].concat()
    }

    pub(super) fn end() -> Vec<u8> {
        vec![0; 1024]
    }
}

/// Expected relation between chartpack's and helm's verdicts on one archive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rel {
    /// Both accept, or both refuse with the same message.
    Same,
    /// chartpack refuses with its own error; helm accepts the archive.
    Own,
}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: c\nversion: 0.1.0\n";

fn differential_cases() -> Vec<(&'static str, Vec<u8>, Rel)> {
    use raw::*;
    let chart = || file("c/Chart.yaml", CHART_YAML);
    let gz = |parts: &[Vec<u8>]| gzip_helm(&parts.concat());
    let mib5 = vec![b'z'; 5 << 20];
    vec![
        ("plain", gz(&[chart(), file("c/templates/cm.yaml", b"a: b\n"), end()]), Rel::Same),
        ("no end blocks", gz(&[chart()]), Rel::Same),
        ("one end block", gz(&[chart(), vec![0; 512]]), Rel::Same),
        ("partial end block", gz(&[chart(), vec![0; 100]]), Rel::Same),
        ("zero then garbage block", gz(&[chart(), vec![0; 512], vec![1; 512]]), Rel::Same),
        ("truncated data", gz(&[chart(), header(b"c/x", b'0', 4000, &[]), vec![b'x'; 1000]]), Rel::Same),
        ("truncated in padding", gz(&[chart(), header(b"c/x", b'0', 10, &[]), vec![b'x'; 100]]), Rel::Same),
        (
            "bad checksum",
            gz(&[
                chart(),
                {
                    let mut h = header(b"c/x", b'0', 0, &[]);
                    h[0] = b'd';
                    h
                },
                end(),
            ]),
            Rel::Same,
        ),
        ("bad octal size", gz(&[chart(), header(b"c/x", b'0', 0, &[(124, b"0000000000x\0")]), end()]), Rel::Same),
        ("bad devmajor", gz(&[chart(), header(b"c/x", b'0', 0, &[(329, b"zz")]), end()]), Rel::Same),
        (
            "base-256 size",
            gz(&[chart(), header(b"c/x", b'0', 0, &[(124, b"\x80\0\0\0\0\0\0\0\0\0\0\x03")]), data(b"abc"), end()]),
            Rel::Same,
        ),
        ("negative size", gz(&[chart(), header(b"c/x", b'0', 0, &[(124, &[0xff; 12])]), end()]), Rel::Same),
        ("v7 header", gz(&[chart(), header(b"c/v7", b'0', 1, &[(257, &[0; 8])]), data(b"7"), end()]), Rel::Same),
        ("gnu header", gz(&[chart(), header(b"c/g", b'0', 1, &[(257, b"ustar  \0")]), data(b"g"), end()]), Rel::Same),
        ("star header", gz(&[chart(), header(b"c/s", b'0', 1, &[(508, b"tar\0")]), data(b"s"), end()]), Rel::Same),
        (
            "prefix field",
            gz(&[header(b"Chart.yaml", b'0', CHART_YAML.len() as u64, &[(345, b"c")]), data(CHART_YAML), end()]),
            Rel::Same,
        ),
        ("legacy NUL typeflag", gz(&[chart(), header(b"c/old", 0, 1, &[]), data(b"o"), end()]), Rel::Same),
        ("legacy NUL typeflag dir", gz(&[chart(), header(b"c/old/", 0, 0, &[]), end()]), Rel::Same),
        ("dir with size", gz(&[header(b"c/", b'5', 700, &[]), chart(), end()]), Rel::Same),
        (
            "dir by mode with data",
            gz(&[chart(), header(b"c/d", b'0', 3, &[(100, b"0040755\0")]), data(b"ddd"), end()]),
            Rel::Same,
        ),
        ("contiguous file", gz(&[chart(), header(b"c/cont", b'7', 1, &[]), data(b"7"), end()]), Rel::Same),
        (
            "pax path",
            gz(&[
                pax(b'x', b"22 path=c/Chart.yaml\n"),
                header(b"c/other", b'0', CHART_YAML.len() as u64, &[]),
                data(CHART_YAML),
                end(),
            ]),
            Rel::Same,
        ),
        (
            "pax size",
            gz(&[chart(), pax(b'x', b"10 size=3\n"), header(b"c/x", b'0', 0, &[]), data(b"abc"), end()]),
            Rel::Same,
        ),
        ("pax bad record", gz(&[chart(), pax(b'x', b"99 path=c/x\n"), header(b"c/x", b'0', 0, &[]), end()]), Rel::Same),
        ("pax bad mtime", gz(&[chart(), pax(b'x', b"13 mtime=1.x\n"), header(b"c/x", b'0', 0, &[]), end()]), Rel::Same),
        ("pax bad uid", gz(&[chart(), pax(b'x', b"10 uid=-x\n"), header(b"c/x", b'0', 0, &[]), end()]), Rel::Same),
        (
            "pax traversal",
            gz(&[chart(), pax(b'x', b"19 path=c/../../x\n"), header(b"c/x", b'0', 0, &[]), end()]),
            Rel::Same,
        ),
        ("pax global", gz(&[pax(b'g', b"19 path=c/../../x\n"), chart(), end()]), Rel::Same),
        (
            "pax too long",
            gz(&[chart(), header(b"c/P/x", b'x', (1 << 20) + 1, &[]), vec![b'9'; (1 << 20) + 512], end()]),
            Rel::Same,
        ),
        (
            "gnu long name",
            gz(&[
                header(b"././@LongLink", b'L', 13, &[]),
                data(b"c/Chart.yaml\0"),
                header(b"x", b'0', CHART_YAML.len() as u64, &[]),
                data(CHART_YAML),
                end(),
            ]),
            Rel::Same,
        ),
        (
            "gnu long link only",
            gz(&[header(b"././@LongLink", b'K', 4, &[]), data(b"abc\0"), chart(), end()]),
            Rel::Same,
        ),
        (
            "backslashes",
            gz(&[file("c\\Chart.yaml", CHART_YAML), file("c\\templates\\..\\..\\x", b""), end()]),
            Rel::Same,
        ),
        ("dotdot prefix name", gz(&[chart(), file("c/..x", b""), end()]), Rel::Same),
        ("drive letter", gz(&[chart(), file("/./c://foo", b""), end()]), Rel::Same),
        ("chart yaml top", gz(&[chart(), file("Chart.yaml/x", b""), end()]), Rel::Same),
        ("outside base", gz(&[chart(), file("values.yaml", b""), end()]), Rel::Same),
        ("absolute after drop", gz(&[chart(), file("c//etc/passwd", b""), end()]), Rel::Same),
        ("empty tar", gz(&[end()]), Rel::Same),
        ("only dirs", gz(&[header(b"c/", b'5', 0, &[]), end()]), Rel::Same),
        ("file 5 MiB", gz(&[chart(), file("c/big", &mib5), end()]), Rel::Same),
        ("file 5 MiB + 1", gz(&[chart(), file("c/big", &[mib5.as_slice(), b"+"].concat()), end()]), Rel::Same),
        (
            "symlink",
            gz(&[chart(), header(b"c/templates/passwd.yaml", b'2', 0, &[(157, b"/etc/passwd")]), end()]),
            Rel::Own,
        ),
        ("hard link", gz(&[chart(), header(b"c/h", b'1', 0, &[(157, b"c/Chart.yaml")]), end()]), Rel::Own),
        ("char device", gz(&[chart(), header(b"c/null", b'3', 0, &[]), end()]), Rel::Own),
        ("fifo", gz(&[chart(), header(b"c/fifo", b'6', 0, &[]), end()]), Rel::Own),
        ("volume header", gz(&[chart(), header(b"c/vol", b'V', 1, &[]), data(b"v"), end()]), Rel::Own),
        ("absolute raw name", gz(&[file("/Chart.yaml", CHART_YAML), end()]), Rel::Own),
        ("dotdot top dir", gz(&[file("../Chart.yaml", CHART_YAML), end()]), Rel::Own),
        ("mixed top dirs", gz(&[chart(), file("other/templates/a.yaml", b"a: b\n"), end()]), Rel::Own),
        ("duplicate", gz(&[chart(), file("c/values.yaml", b""), file("c/./values.yaml", b"x: 1\n"), end()]), Rel::Own),
        ("non-utf8 name", gz(&[chart(), header(b"c/\xff.yaml", b'0', 0, &[]), end()]), Rel::Own),
        (
            "crc after end marker",
            {
                let mut g = gz(&[chart(), end()]);
                let n = g.len();
                g[n - 6] ^= 0xff;
                g
            },
            Rel::Own,
        ),
        ("junk after gzip", [gz(&[chart(), end()]), b"junk after the member".to_vec()].concat(), Rel::Own),
        ("two members", [gzip_helm(&chart()), gzip_helm(&end())].concat(), Rel::Same),
        (
            "truncated gzip",
            {
                let g = gz(&[chart(), file("c/x", &[7; 3000]), end()]);
                g[..g.len() / 2].to_vec()
            },
            Rel::Same,
        ),
        ("short yaml", b"a: b\n".to_vec(), Rel::Same),
        ("long text", vec![b'a'; 600], Rel::Same),
        ("pdf", b"%PDF-1.4 rest".to_vec(), Rel::Same),
        ("png", b"\x89PNG\x0D\x0A\x1A\x0A rest".to_vec(), Rel::Same),
        ("html", [b"  <html> ".to_vec(), vec![b'x'; 600]].concat(), Rel::Same),
        ("gzip magic only", b"\x1f\x8b\x08".to_vec(), Rel::Same),
        ("bad method", b"\x1f\x8b\x09\0\0\0\0\0\0\xff".to_vec(), Rel::Same),
        (
            "fhcrc",
            {
                let mut g = gz(&[chart(), end()]);
                g[3] |= 2;
                g
            },
            Rel::Same,
        ),
        ("deflate block type 3", [HELM_GZIP_HEADER, b"\x07\0\0\0\0\0\0\0\0"].concat(), Rel::Same),
        ("deflate bad stored length", [HELM_GZIP_HEADER, b"\x01\x05\x00\x00\x00abcde"].concat(), Rel::Same),
        (
            "old gnu sparse",
            gz(&[
                chart(),
                header(
                    b"c/sparse",
                    b'S',
                    1,
                    &[(257, b"ustar  \0"), (386, b"00000000000\0"), (398, b"00000000001\0"), (483, b"00000000004\0")],
                ),
                data(b"s"),
                end(),
            ]),
            Rel::Own,
        ),
    ]
}

#[test]
fn differential_against_live_helm() {
    let Some(helm) = Helm::find("differential") else {
        return;
    };
    let dir = scratch("differential");
    let mut failures = Vec::new();
    let cases = differential_cases();
    let total = cases.len();
    let mut refused = 0;
    for (i, (what, bytes, rel)) in cases.into_iter().enumerate() {
        let name = match what {
            "short yaml" => format!("case{i}.yaml"),
            _ => format!("case{i}.tgz"),
        };
        // helm names files by their absolute path in its messages.
        let display = dir.join(&name).to_string_lossy().into_owned();
        let ours = read_chart_archive(&bytes, &display, &HELM_LIMITS).map(|_| ());
        let theirs = show_chart(&helm, &dir, &name, &bytes);
        let helm_archive_ok = match &theirs {
            Ok(()) => true,
            Err(msg) => !is_archive_message(msg),
        };
        refused += usize::from(!helm_archive_ok);
        let ok = match (rel, &ours) {
            (Rel::Same, Ok(())) => helm_archive_ok,
            (Rel::Same, Err(e)) => e.is_helm_error() && theirs.as_ref().err() == Some(&e.to_string()),
            (Rel::Own, Err(_)) => helm_archive_ok,
            (Rel::Own, Ok(())) => false,
        };
        if !ok {
            failures.push(format!("{what}: chartpack {ours:?}, helm {theirs:?} (expected {rel:?})"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("{total} archives compared with helm, {refused} refused by helm at the archive layer");
    assert!(failures.is_empty(), "differences from helm:\n{}", failures.join("\n"));
}

#[test]
fn hundred_mib_total_like_helm() {
    // helm fails as soon as the budget reaches zero: 20 × 5 MiB is refused, one byte less is fine.
    use raw::*;
    let mib5 = vec![b'z'; 5 << 20];
    let mut exact = vec![file("c/Chart.yaml", b"")];
    for i in 0..20 {
        exact.push(file(&format!("c/f{i}"), &mib5));
    }
    exact.push(end());
    let exact = gzip_helm(&exact.concat());
    let mut under = vec![file("c/Chart.yaml", b"")];
    for i in 0..19 {
        under.push(file(&format!("c/f{i}"), &mib5));
    }
    under.push(file("c/last", &mib5[1..]));
    under.push(end());
    let under = gzip_helm(&under.concat());
    assert_eq!(
        read_chart_archive(&exact, "x.tgz", &HELM_LIMITS).map(|_| ()),
        Err(ArchiveError::ArchiveTooLarge { limit: 100 << 20 })
    );
    assert_eq!(read_chart_archive(&under, "x.tgz", &HELM_LIMITS).map(|a| a.files.len()), Ok(21));
    let Some(helm) = Helm::find("total") else {
        return;
    };
    let dir = scratch("total");
    assert_eq!(
        show_chart(&helm, &dir, "exact.tgz", &exact),
        Err("decompressed chart is larger than the maximum size 104857600".into())
    );
    // helm then fails on the empty Chart.yaml, which is past the archive layer.
    let under_msg = show_chart(&helm, &dir, "under.tgz", &under).err().unwrap_or_default();
    assert!(!is_archive_message(&under_msg), "{under_msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mutated_tar_streams_against_live_helm() {
    // Random single-byte changes in the headers of a small archive: chartpack must agree with helm
    // on every mutation helm refuses at the archive layer, and refuse only with its own errors
    // where helm accepts.
    let Some(helm) = Helm::find("mutations") else {
        return;
    };
    let dir = scratch("mutations");
    use raw::*;
    let tar = [
        pax(b'x', b"30 path=c/templates/long.yaml\n"),
        header(b"c/t/l", b'0', 5, &[]),
        data(b"a: b\n"),
        file("c/Chart.yaml", CHART_YAML),
        header(b"c/templates/", b'5', 0, &[]),
        file("c/values.yaml", b"x: 1\n"),
        end(),
    ]
    .concat();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut failures = Vec::new();
    let mut helm_refused = 0;
    // CHARTPACK_HELM_MUTATIONS=n runs a longer session.
    let count: usize = std::env::var("CHARTPACK_HELM_MUTATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(150);
    for i in 0..count {
        let mut t = tar.clone();
        let block = [0usize, 1, 2, 4, 6, 7][rng.below(6)];
        let at = block * 512 + rng.below(512);
        t[at] = match rng.below(4) {
            0 => 0,
            1 => b'/',
            2 => b'.',
            _ => rng.below(256) as u8,
        };
        if rng.below(2) == 0 {
            // Keep the checksum valid so the change reaches the field parsers.
            let start = at / 512 * 512;
            raw::sum(&mut t[start..start + 512]);
        }
        let bytes = gzip_helm(&t);
        let name = format!("m{i}.tgz");
        let ours = read_chart_archive(&bytes, &dir.join(&name).to_string_lossy(), &HELM_LIMITS).map(|_| ());
        let theirs = show_chart(&helm, &dir, &name, &bytes);
        let helm_archive_err = theirs.as_ref().err().filter(|m| is_archive_message(m));
        if helm_archive_err.is_some() {
            helm_refused += 1;
        }
        let ok = match (&ours, helm_archive_err) {
            (Ok(()), None) => true,
            (Ok(()), Some(_)) => false,
            (Err(e), Some(msg)) => e.to_string() == *msg || !e.is_helm_error(),
            (Err(e), None) => !e.is_helm_error(),
        };
        if !ok {
            failures.push(format!("mutation {i} at byte {at}: chartpack {ours:?}, helm {theirs:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("{helm_refused} of {count} mutations refused by helm at the archive layer");
    assert!(failures.is_empty(), "differences from helm:\n{}", failures.join("\n"));
}

// ---- robustness: no panics, bounded time ------------------------------------------------------------

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Feeds `input` to every entry point; a panic fails the test with the input's description.
fn must_not_panic(what: &str, input: &[u8]) {
    let limits = Limits { archive_bytes: 1 << 20, file_bytes: 1 << 18, files: 64, compressed_bytes: 1 << 20 };
    let run = std::panic::catch_unwind(|| {
        let _ = read_chart_archive(input, "m.tgz", &limits);
        let _ = gunzip(input, 1 << 20);
        let _ = detect_content_type(input);
    });
    assert!(run.is_ok(), "panic on {what}");
}

#[test]
fn mutations_never_panic() {
    let start = std::time::Instant::now();
    let budget = std::time::Duration::from_secs(8);
    let mut seeds: Vec<(String, Vec<u8>)> =
        vec![("odd-names".into(), include_bytes!("../testdata/odd-names-0.1.0.tgz").to_vec())];
    if let Some(corpus) = corpus() {
        for entry in std::fs::read_dir(corpus.join("archives")).expect("list corpus") {
            let path = entry.expect("dir entry").path();
            let bytes = std::fs::read(&path).expect("read");
            if bytes.len() <= 16 << 10 {
                seeds.push((path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), bytes));
            }
        }
    }
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut runs = 0u64;
    let per_seed = budget / seeds.len() as u32;
    for (name, gz) in &seeds {
        let seed_start = std::time::Instant::now();
        // Every truncation of the compressed bytes.
        for cut in 0..gz.len().min(2048) {
            must_not_panic(&format!("{name} cut at {cut}"), &gz[..cut]);
            runs += 1;
        }
        // Byte changes in the compressed bytes (mostly deflate/CRC errors) …
        for _ in 0..300 {
            let mut m = gz.clone();
            if m.is_empty() {
                break;
            }
            let at = rng.below(m.len());
            m[at] = rng.below(256) as u8;
            must_not_panic(&format!("{name} byte {at} gz"), &m);
            runs += 1;
        }
        // … and in the tar stream, recompressed so the tar parser sees them.
        let Ok(tar) = gunzip(gz, 1 << 26) else {
            continue;
        };
        if tar.is_empty() {
            continue;
        }
        for _ in 0..1500 {
            if seed_start.elapsed() > per_seed {
                break;
            }
            let mut t = tar.clone();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(t.len());
                t[at] = match rng.below(5) {
                    0 => 0,
                    1 => 0xff,
                    2 => b'7',
                    3 => t[at] ^ (1 << rng.below(8)),
                    _ => rng.below(256) as u8,
                };
                if rng.below(2) == 0 && t.len() >= 512 {
                    let s = at / 512 * 512;
                    if s + 512 <= t.len() {
                        raw::sum(&mut t[s..s + 512]);
                    }
                }
            }
            if rng.below(8) == 0 {
                let cut = rng.below(t.len());
                t.truncate(cut);
            }
            must_not_panic(&format!("{name} tar mutation"), &gzip_helm(&t));
            runs += 1;
        }
    }
    println!("{runs} mutated inputs in {:?}", start.elapsed());
}

#[test]
fn mutated_gzip_streams_against_live_helm() {
    // Single-bit flips in the DEFLATE data of a helm archive. chartpack is never more lenient than
    // helm, and gives helm's message except where documented: after helm's flate error
    // (the inflater may decode further than Go's before failing, so the garbage is caught by
    // the tar parser or the CRC instead), and for damage past the tar end
    // marker or in names (chartpack's own checks).
    let Some(helm) = Helm::find("gzmut") else {
        return;
    };
    let count: usize = std::env::var("CHARTPACK_HELM_MUTATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(60);
    let dir = scratch("gzmut");
    let golden = include_bytes!("../testdata/odd-names-0.1.0.tgz");
    let mut rng = XorShift(77);
    let (mut same, mut failures) = (0, Vec::new());
    for i in 0..count {
        let mut g = golden.to_vec();
        let at = HELM_GZIP_HEADER.len() + rng.below(g.len() - HELM_GZIP_HEADER.len() - 8);
        g[at] ^= 1 << rng.below(8);
        let name = format!("g{i}.tgz");
        let display = dir.join(&name).to_string_lossy().into_owned();
        let ours = read_chart_archive(&g, &display, &HELM_LIMITS).map(|_| ());
        let theirs = show_chart(&helm, &dir, &name, &g);
        let helm_err = theirs.as_ref().err().filter(|m| is_archive_message(m));
        let ok = match (&ours, helm_err) {
            (Ok(()), None) => true,
            (Ok(()), Some(_)) => false,
            (Err(e), Some(msg)) => {
                e.to_string() == *msg || msg.starts_with("flate: corrupt input") || !e.is_helm_error()
            }
            (Err(e), None) => {
                !e.is_helm_error() || matches!(e, ArchiveError::GzipChecksum | ArchiveError::Deflate { .. })
            }
        };
        same += usize::from(matches!((&ours, helm_err), (Err(e), Some(m)) if e.to_string() == *m));
        if !ok {
            failures.push(format!("flip at byte {at}: chartpack {ours:?}, helm {theirs:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("{count} gzip mutations, {same} refused with helm's exact message");
    assert!(failures.is_empty(), "chartpack more lenient than helm:\n{}", failures.join("\n"));
}
