//! Safe wrapper over `libyaml-rs` (libyaml transpiled to Rust); the only module with `unsafe`.
//!
//! yaml.v2's scanner, parser and emitter are a line-by-line Go port of libyaml, so driving the
//! transpiled libyaml gives the same events, error texts and output bytes. The C-style API is
//! wrapped in two owners, [`Parser`] and [`Emitter`], which keep the libyaml structs boxed (libyaml
//! stores pointers to them and to the input) and free them on drop.

use core::ffi::{c_char, c_void, CStr};
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr;

use libyaml_rs as sys;

/// Scalar presentation styles, as parsed or as requested from the emitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A parser event with its data copied out of libyaml.
#[derive(Debug)]
pub(crate) enum Event {
    StreamStart,
    StreamEnd,
    /// `version` is the `%YAML` directive, if any.
    DocumentStart {
        version: Option<(i32, i32)>,
    },
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar(Scalar),
    SequenceStart {
        anchor: Option<String>,
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        flow: bool,
    },
    MappingEnd,
}

/// The payload of a scalar event.
#[derive(Debug)]
pub(crate) struct Scalar {
    pub(crate) anchor: Option<String>,
    /// The resolved tag (`!!int` arrives as `tag:yaml.org,2002:int`).
    pub(crate) tag: Option<String>,
    /// Raw bytes: double-quoted escapes such as `\x80` can produce invalid UTF-8.
    pub(crate) value: Vec<u8>,
    /// libyaml's `plain_implicit`: plain without tag, or tagged with the bare `!`.
    pub(crate) plain_implicit: bool,
    pub(crate) style: ScalarStyle,
}

/// Which libyaml stage failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Reader,
    Scanner,
    Parser,
    Other,
}

/// libyaml's error fields, as yaml.v2 reads them to build its message.
#[derive(Debug, Clone)]
pub(crate) struct ParseFailure {
    pub(crate) stage: Stage,
    pub(crate) problem: String,
    /// Character index of `problem_mark`.
    pub(crate) problem_index: u64,
    /// Zero-based line of `problem_mark`.
    pub(crate) problem_line: u64,
    /// Zero-based line of `context_mark`.
    pub(crate) context_line: u64,
}

/// A position: character index (libyaml counts characters, not bytes) and zero-based line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Mark {
    pub(crate) index: u64,
    pub(crate) line: u64,
}

/// An event with its source span.
pub(crate) struct Located {
    pub(crate) event: Event,
    pub(crate) start: Mark,
    pub(crate) end: Mark,
}

/// A libyaml pull parser over a borrowed input.
pub(crate) struct Parser<'input> {
    // Boxed: libyaml's string reader keeps a pointer to the parser struct itself.
    raw: Box<MaybeUninit<sys::yaml_parser_t>>,
    finished: bool,
    _input: PhantomData<&'input [u8]>,
}

/// Copies a NUL-terminated libyaml string; null → `None`.
///
/// SAFETY: `p` is null or points to a NUL-terminated string owned by a live libyaml event.
unsafe fn c_string(p: *const u8) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: guaranteed by the caller.
    let s = unsafe { CStr::from_ptr(p.cast::<c_char>()) };
    Some(String::from_utf8_lossy(s.to_bytes()).into_owned())
}

impl<'input> Parser<'input> {
    /// A parser over `input`; libyaml detects UTF-8/UTF-16 from a BOM as yaml.v2 does.
    pub(crate) fn new(input: &'input [u8]) -> Self {
        let mut raw: Box<MaybeUninit<sys::yaml_parser_t>> = Box::new(MaybeUninit::zeroed());
        // SAFETY: `raw` is writable memory of the right size; initialize zeroes it and sets up
        // buffers. `input` outlives the parser (lifetime 'input) and is never written.
        unsafe {
            let p = raw.as_mut_ptr();
            // Initialisation only fails on allocation failure, which aborts in Rust anyway.
            let _ = sys::yaml_parser_initialize(p);
            sys::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as u64);
        }
        Parser { raw, finished: false, _input: PhantomData }
    }

    /// The next event, or the libyaml error. After `StreamEnd` or an error, keeps returning
    /// `StreamEnd`.
    pub(crate) fn next_event(&mut self) -> Result<Located, ParseFailure> {
        if self.finished {
            return Ok(Located { event: Event::StreamEnd, start: Mark::default(), end: Mark::default() });
        }
        let mut ev: MaybeUninit<sys::yaml_event_t> = MaybeUninit::zeroed();
        let p = self.raw.as_mut_ptr();
        // SAFETY: the parser was initialised in `new`; `ev` is writable and zeroed (a valid
        // NO_EVENT); every pointer read below belongs to the event until `yaml_event_delete`.
        unsafe {
            if sys::yaml_parser_parse(p, ev.as_mut_ptr()).fail {
                self.finished = true;
                return Err(self.failure());
            }
            let ev = ev.assume_init_mut();
            let start = Mark { index: ev.start_mark.index, line: ev.start_mark.line };
            let end = Mark { index: ev.end_mark.index, line: ev.end_mark.line };
            let event = match ev.type_ {
                sys::YAML_STREAM_START_EVENT => Event::StreamStart,
                sys::YAML_STREAM_END_EVENT | sys::YAML_NO_EVENT => {
                    self.finished = true;
                    Event::StreamEnd
                }
                sys::YAML_DOCUMENT_START_EVENT => {
                    let v = ev.data.document_start.version_directive;
                    Event::DocumentStart { version: (!v.is_null()).then(|| ((*v).major, (*v).minor)) }
                }
                sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
                sys::YAML_ALIAS_EVENT => Event::Alias { anchor: c_string(ev.data.alias.anchor).unwrap_or_default() },
                sys::YAML_SCALAR_EVENT => {
                    let s = ev.data.scalar;
                    let value = if s.value.is_null() || s.length == 0 {
                        Vec::new()
                    } else {
                        core::slice::from_raw_parts(s.value, s.length as usize).to_vec()
                    };
                    Event::Scalar(Scalar {
                        anchor: c_string(s.anchor),
                        tag: c_string(s.tag),
                        value,
                        plain_implicit: s.plain_implicit,
                        style: match s.style {
                            sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => ScalarStyle::SingleQuoted,
                            sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => ScalarStyle::DoubleQuoted,
                            sys::YAML_LITERAL_SCALAR_STYLE => ScalarStyle::Literal,
                            sys::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Folded,
                            _ => ScalarStyle::Plain,
                        },
                    })
                }
                sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                    anchor: c_string(ev.data.sequence_start.anchor),
                    flow: ev.data.sequence_start.style == sys::YAML_FLOW_SEQUENCE_STYLE,
                },
                sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                sys::YAML_MAPPING_START_EVENT => Event::MappingStart {
                    anchor: c_string(ev.data.mapping_start.anchor),
                    flow: ev.data.mapping_start.style == sys::YAML_FLOW_MAPPING_STYLE,
                },
                _ => Event::MappingEnd,
            };
            sys::yaml_event_delete(ev);
            Ok(Located { event, start, end })
        }
    }

    fn failure(&self) -> ParseFailure {
        // SAFETY: the parser is initialised; `problem` is null or a static/owned C string.
        unsafe {
            let p: &sys::yaml_parser_t = self.raw.assume_init_ref();
            let problem = c_string(p.problem.cast::<u8>()).unwrap_or_default();
            let stage = match p.error {
                sys::YAML_READER_ERROR => Stage::Reader,
                sys::YAML_SCANNER_ERROR => Stage::Scanner,
                sys::YAML_PARSER_ERROR => Stage::Parser,
                _ => Stage::Other,
            };
            ParseFailure {
                stage,
                problem,
                problem_index: p.problem_mark.index,
                problem_line: p.problem_mark.line,
                context_line: p.context_mark.line,
            }
        }
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted exactly once.
        unsafe { sys::yaml_parser_delete(self.raw.as_mut_ptr()) }
    }
}

/// An event to emit; collections are always block style, scalars untagged (implicit).
pub(crate) enum EmitEvent<'a> {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    MappingStart,
    MappingEnd,
    SequenceStart,
    SequenceEnd,
    Scalar { value: &'a str, style: ScalarStyle },
}

/// libyaml refused an event; carries its `problem` text.
#[derive(Debug, Clone)]
pub(crate) struct EmitFailure(pub(crate) String);

/// A libyaml emitter writing into an owned buffer.
pub(crate) struct Emitter {
    // Boxed: libyaml keeps pointers into the emitter; the output Vec is boxed because the
    // write handler receives its address.
    raw: Box<MaybeUninit<sys::yaml_emitter_t>>,
    #[allow(clippy::box_collection)] // the Vec header itself must not move
    out: Box<Vec<u8>>,
}

/// SAFETY: `data` is the `Box<Vec<u8>>` registered in `Emitter::new`; `buffer` holds `size`
/// readable bytes (libyaml's contract for write handlers).
unsafe fn write_handler(data: *mut c_void, buffer: *mut u8, size: u64) -> i32 {
    // SAFETY: see above.
    unsafe {
        let out = &mut *data.cast::<Vec<u8>>();
        out.extend_from_slice(core::slice::from_raw_parts(buffer, size as usize));
    }
    1
}

impl Emitter {
    /// An emitter configured like yaml.v2's encoder: UTF-8, `unicode` on, indent 2, width 80.
    pub(crate) fn new() -> Self {
        let mut raw: Box<MaybeUninit<sys::yaml_emitter_t>> = Box::new(MaybeUninit::zeroed());
        let mut out: Box<Vec<u8>> = Box::default();
        // SAFETY: `raw` is writable; the output Vec lives (boxed, not moved) as long as the
        // emitter, and is only touched through the write handler while libyaml runs.
        unsafe {
            let e = raw.as_mut_ptr();
            let _ = sys::yaml_emitter_initialize(e);
            let data: *mut Vec<u8> = &mut *out;
            sys::yaml_emitter_set_output(e, write_handler, data.cast::<c_void>());
            sys::yaml_emitter_set_unicode(e, true);
            sys::yaml_emitter_set_indent(e, 2);
            sys::yaml_emitter_set_width(e, 80);
        }
        Emitter { raw, out }
    }

    /// Hands one event to libyaml (which may buffer it until it has enough look-ahead).
    pub(crate) fn emit(&mut self, event: EmitEvent<'_>) -> Result<(), EmitFailure> {
        let mut ev: MaybeUninit<sys::yaml_event_t> = MaybeUninit::zeroed();
        let e = self.raw.as_mut_ptr();
        // SAFETY: the emitter was initialised in `new`; each `*_event_initialize` fills `ev`
        // (copying the value bytes) and `yaml_emitter_emit` takes ownership of it, freeing it
        // even on failure.
        unsafe {
            let evp = ev.as_mut_ptr();
            let made = match event {
                EmitEvent::StreamStart => sys::yaml_stream_start_event_initialize(evp, sys::YAML_UTF8_ENCODING),
                EmitEvent::StreamEnd => sys::yaml_stream_end_event_initialize(evp),
                EmitEvent::DocumentStart => sys::yaml_document_start_event_initialize(
                    evp,
                    ptr::null_mut(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    true,
                ),
                EmitEvent::DocumentEnd => sys::yaml_document_end_event_initialize(evp, true),
                EmitEvent::MappingStart => sys::yaml_mapping_start_event_initialize(
                    evp,
                    ptr::null(),
                    ptr::null(),
                    true,
                    sys::YAML_BLOCK_MAPPING_STYLE,
                ),
                EmitEvent::MappingEnd => sys::yaml_mapping_end_event_initialize(evp),
                EmitEvent::SequenceStart => sys::yaml_sequence_start_event_initialize(
                    evp,
                    ptr::null(),
                    ptr::null(),
                    true,
                    sys::YAML_BLOCK_SEQUENCE_STYLE,
                ),
                EmitEvent::SequenceEnd => sys::yaml_sequence_end_event_initialize(evp),
                EmitEvent::Scalar { value, style } => {
                    let Ok(length) = i32::try_from(value.len()) else {
                        return Err(EmitFailure("scalar longer than 2 GiB".to_owned()));
                    };
                    let style = match style {
                        ScalarStyle::Plain => sys::YAML_PLAIN_SCALAR_STYLE,
                        ScalarStyle::SingleQuoted => sys::YAML_SINGLE_QUOTED_SCALAR_STYLE,
                        ScalarStyle::DoubleQuoted => sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE,
                        ScalarStyle::Literal => sys::YAML_LITERAL_SCALAR_STYLE,
                        ScalarStyle::Folded => sys::YAML_FOLDED_SCALAR_STYLE,
                    };
                    // A non-null pointer is required even for "" (length 0 is then used).
                    let bytes: *const u8 = if value.is_empty() { c"".as_ptr().cast::<u8>() } else { value.as_ptr() };
                    sys::yaml_scalar_event_initialize(evp, ptr::null(), ptr::null(), bytes, length, true, true, style)
                }
            };
            if made.fail {
                return Err(EmitFailure("invalid event".to_owned()));
            }
            if sys::yaml_emitter_emit(e, evp).fail {
                let problem = c_string(self.raw.assume_init_ref().problem.cast::<u8>());
                return Err(EmitFailure(
                    problem.unwrap_or_else(|| "unknown problem generating YAML content".to_owned()),
                ));
            }
        }
        Ok(())
    }

    /// Bytes written so far (libyaml flushes at document end and stream end).
    pub(crate) fn output(&self) -> &[u8] {
        &self.out
    }

    /// Takes the written bytes, truncated to `len`.
    pub(crate) fn into_output(mut self, len: usize) -> Vec<u8> {
        let mut out = core::mem::take(&mut *self.out);
        out.truncate(len);
        out
    }
}

impl Drop for Emitter {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted exactly once; `out` is still alive here.
        unsafe { sys::yaml_emitter_delete(self.raw.as_mut_ptr()) }
    }
}
