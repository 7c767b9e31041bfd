//! Measures write and read throughput on a large synthetic chart: `cargo run --release -p chartpack-archive --example throughput`.
#![allow(clippy::disallowed_methods, clippy::print_stdout)] // an example may read the clock and print

use std::time::Instant;

use chartpack_archive::{gunzip, gzip_helm, read_chart_archive, write_tar, Limits, TarEntry, HELM_LIMITS};

fn main() {
    // 2 000 YAML-like files of ~45 KiB (≈ 90 MB), under a few directories, some with long names.
    let mut files = Vec::new();
    for i in 0..2000 {
        let mut data = Vec::with_capacity(46_000);
        let mut line = 0u64;
        while data.len() < 45_000 {
            line += 1;
            data.extend_from_slice(
                format!("key{i}-{line}: value {} {}\n", line * 7919 % 104_729, "x".repeat((line % 40) as usize))
                    .as_bytes(),
            );
        }
        let dir = ["templates", "files/config", "crds", "charts/sub/templates"][i % 4];
        let name = if i % 50 == 0 { format!("{}-{i}.yaml", "long".repeat(30)) } else { format!("f{i}.yaml") };
        files.push((format!("big/{dir}/{name}"), data));
    }
    let total: usize = files.iter().map(|(_, d)| d.len()).sum();
    let mb = total as f64 / 1e6;
    let entries: Vec<TarEntry<'_>> =
        files.iter().map(|(p, d)| TarEntry { path: p, data: d, mtime: 1_700_000_000 }).collect();

    let best = |f: &mut dyn FnMut()| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };

    let mut tar = Vec::new();
    let t_tar = best(&mut || tar = write_tar(&entries));
    let mut tgz = Vec::new();
    let t_gz = best(&mut || tgz = gzip_helm(&tar));
    let limits = Limits { archive_bytes: 1 << 30, file_bytes: 1 << 20, files: 10_000, compressed_bytes: 1 << 30 };
    let mut n = 0;
    let t_read = best(&mut || n = read_chart_archive(&tgz, "big.tgz", &limits).map(|a| a.files.len()).unwrap_or(0));
    let t_gunzip = best(&mut || {
        let _ = gunzip(&tgz, 1 << 30);
    });
    assert_eq!(n, files.len());
    let _ = HELM_LIMITS;

    println!(
        "content {mb:.1} MB in {} files; tar {:.1} MB; tgz {:.1} MB",
        files.len(),
        tar.len() as f64 / 1e6,
        tgz.len() as f64 / 1e6
    );
    println!("write_tar          {:8.1} MB/s", mb / t_tar);
    println!("gzip_helm          {:8.1} MB/s", mb / t_gz);
    println!("write (tar+gzip)   {:8.1} MB/s", mb / (t_tar + t_gz));
    println!("gunzip             {:8.1} MB/s", mb / t_gunzip);
    println!("read_chart_archive {:8.1} MB/s", mb / t_read);
}
