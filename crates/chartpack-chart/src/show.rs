//! `helm show chart|values|readme|crds|all` output. Mirrors helm pkg/action/show.go.

use crate::load::Chart;

/// Which part of a chart to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowPart {
    /// The metadata, re-serialised.
    Chart,
    /// `values.yaml` as written.
    Values,
    /// The README.
    Readme,
    /// The CRD files.
    Crds,
    /// All of the above, separated by `---`.
    All,
}

/// The exact bytes `helm show <part>` prints for the chart; fails, as helm does, when the
/// metadata cannot be written as YAML.
pub fn show(chart: &Chart, part: ShowPart) -> Result<Vec<u8>, chartpack_encoding::yaml::EmitError> {
    // helm marshals the metadata first, whatever part is asked for.
    let metadata = chart.metadata.to_yaml()?;
    let all = part == ShowPart::All;
    let mut out: Vec<u8> = Vec::new();
    if part == ShowPart::Chart || all {
        out.extend_from_slice(metadata.as_bytes());
        out.push(b'\n');
    }
    if part == ShowPart::Values || all {
        if let Some(values) = &chart.values {
            if all {
                out.extend_from_slice(b"---\n");
            }
            out.extend_from_slice(&values.data);
            out.push(b'\n');
        }
    }
    if part == ShowPart::Readme || all {
        if let Some(readme) = chart.readme() {
            if all {
                out.extend_from_slice(b"---\n");
            }
            out.extend_from_slice(&readme.data);
            out.push(b'\n');
        }
    }
    if part == ShowPart::Crds || all {
        for crd in chart.crd_files() {
            if !crd.data.starts_with(b"---") {
                out.extend_from_slice(b"---\n");
            }
            out.extend_from_slice(&crd.data);
            out.push(b'\n');
        }
    }
    Ok(out)
}
