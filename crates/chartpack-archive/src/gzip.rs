//! Bounded, streaming gzip decoding with Go `compress/gzip` semantics (multistream, header and trailer checks).

use flate2::{Crc, Decompress, FlushDecompress, Status};

use crate::error::ArchiveError;

const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;
/// Size of the decompression buffer handed out by [`Source::fill_buf`].
const BUF_SIZE: usize = 64 << 10;

/// A buffered byte stream that can fail (`BufRead` with chartpack's error type).
pub(crate) trait Source {
    /// Returns buffered bytes, reading more if none are buffered; empty means end of stream.
    fn fill_buf(&mut self) -> Result<&[u8], ArchiveError>;
    /// Marks `n` bytes of the last [`Source::fill_buf`] as read.
    fn consume(&mut self, n: usize);
}

/// A [`Source`] over bytes in memory (used for plain tar streams in tests).
#[cfg(test)]
pub(crate) struct SliceSource<'a>(pub(crate) &'a [u8]);

#[cfg(test)]
impl Source for SliceSource<'_> {
    fn fill_buf(&mut self) -> Result<&[u8], ArchiveError> {
        Ok(self.0)
    }
    fn consume(&mut self, n: usize) {
        self.0 = &self.0[n.min(self.0.len())..];
    }
}

enum State {
    /// Inside a member's DEFLATE data.
    Body,
    /// The member's DEFLATE data ended; its trailer is checked once its data has been read, so
    /// that (as in Go) errors in the data reach the tar reader before a checksum mismatch does.
    Trailer,
    /// Past the last member.
    Done,
    /// The DEFLATE data is corrupt; reported after the data decoded before the damage has been
    /// read (Go's decompressor flushes it first).
    Failed(ArchiveError),
}

/// Decompresses a (multi-member) gzip stream from memory, refusing to produce more than `limit` bytes.
pub(crate) struct GzipStream<'a> {
    input: &'a [u8],
    pos: usize,
    inflate: Decompress,
    /// `total_in` of `inflate` when the current member's DEFLATE data started.
    member_in_start: u64,
    crc: Crc,
    member_size: u32,
    state: State,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    produced: u64,
    limit: u64,
}

/// Outcome of reading one gzip member header.
enum HeaderRead {
    Member,
    /// No bytes left where a header would start.
    Eof,
}

impl<'a> GzipStream<'a> {
    /// Parses the first member header (as Go's `gzip.NewReader` does) and prepares to inflate.
    pub(crate) fn new(input: &'a [u8], limit: u64) -> Result<Self, ArchiveError> {
        let mut stream = GzipStream {
            input,
            pos: 0,
            inflate: Decompress::new(false),
            member_in_start: 0,
            crc: Crc::new(),
            member_size: 0,
            state: State::Body,
            buf: Vec::new(),
            start: 0,
            end: 0,
            produced: 0,
            limit,
        };
        match stream.read_member_header()? {
            HeaderRead::Member => Ok(stream),
            HeaderRead::Eof => Err(ArchiveError::Empty),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ArchiveError> {
        let input = self.input;
        let bytes = input.get(self.pos..self.pos + n).ok_or(ArchiveError::UnexpectedEof)?;
        self.pos += n;
        Ok(bytes)
    }

    /// Go's `Reader.readHeader`, over the remaining input.
    fn read_member_header(&mut self) -> Result<HeaderRead, ArchiveError> {
        let start = self.pos;
        if start == self.input.len() {
            return Ok(HeaderRead::Eof);
        }
        let fixed = self.take(10)?;
        if fixed[0] != 0x1f || fixed[1] != 0x8b || fixed[2] != 8 {
            return Err(ArchiveError::GzipHeader { name: None });
        }
        let flags = fixed[3];
        if flags & FEXTRA != 0 {
            let xlen = self.take(2)?;
            let xlen = usize::from(u16::from_le_bytes([xlen[0], xlen[1]]));
            self.take(xlen)?;
        }
        for flag in [FNAME, FCOMMENT] {
            if flags & flag != 0 {
                // Go reads at most 512 bytes including the NUL terminator.
                let rest = &self.input[self.pos..];
                match rest.iter().take(512).position(|&b| b == 0) {
                    Some(nul) => self.pos += nul + 1,
                    None if rest.len() >= 512 => return Err(ArchiveError::GzipHeader { name: None }),
                    None => return Err(ArchiveError::UnexpectedEof),
                }
            }
        }
        if flags & FHCRC != 0 {
            let mut crc = Crc::new();
            crc.update(&self.input[start..self.pos]);
            let want = self.take(2)?;
            if u16::from_le_bytes([want[0], want[1]]) != (crc.sum() & 0xffff) as u16 {
                return Err(ArchiveError::GzipHeader { name: None });
            }
        }
        self.inflate.reset(false);
        self.member_in_start = self.inflate.total_in();
        self.crc = Crc::new();
        self.member_size = 0;
        self.state = State::Body;
        Ok(HeaderRead::Member)
    }

    /// Inflates more data into the buffer; returns `false` at the end of the stream.
    fn refill(&mut self) -> Result<bool, ArchiveError> {
        if self.buf.is_empty() {
            self.buf = vec![0; BUF_SIZE];
        }
        loop {
            match &self.state {
                State::Done => return Ok(false),
                State::Failed(err) => return Err(err.clone()),
                State::Trailer => {
                    self.finish_member()?;
                    continue;
                }
                State::Body => {}
            }
            let (in_before, out_before) = (self.inflate.total_in(), self.inflate.total_out());
            let result = self.inflate.decompress(&self.input[self.pos..], &mut self.buf, FlushDecompress::None);
            let consumed = usize::try_from(self.inflate.total_in() - in_before).unwrap_or(usize::MAX);
            let produced = usize::try_from(self.inflate.total_out() - out_before).unwrap_or(usize::MAX);
            self.pos = self.pos.saturating_add(consumed).min(self.input.len());
            if produced > 0 {
                self.produced += produced as u64;
                if self.produced > self.limit {
                    return Err(ArchiveError::StreamTooLarge { limit: self.limit });
                }
                self.crc.update(&self.buf[..produced]);
                self.member_size = self.member_size.wrapping_add(produced as u32);
                self.start = 0;
                self.end = produced;
            }
            match result {
                Err(_) => {
                    let offset = self.inflate.total_in() - self.member_in_start;
                    self.state = State::Failed(ArchiveError::Deflate { offset });
                    if produced == 0 {
                        continue;
                    }
                }
                Ok(Status::StreamEnd) => self.state = State::Trailer,
                Ok(_) if produced == 0 && consumed == 0 => {
                    // No progress: the input ran out before the end of the DEFLATE stream.
                    return Err(ArchiveError::UnexpectedEof);
                }
                Ok(_) => {}
            }
            if produced > 0 {
                return Ok(true);
            }
        }
    }

    /// Checks the member trailer (Go's `Reader.Read` at `io.EOF`) and starts the next member, if any.
    fn finish_member(&mut self) -> Result<(), ArchiveError> {
        let trailer = self.take(8)?;
        let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        if crc != self.crc.sum() || size != self.member_size {
            return Err(ArchiveError::GzipChecksum);
        }
        match self.read_member_header()? {
            HeaderRead::Member => {}
            HeaderRead::Eof => self.state = State::Done,
        }
        Ok(())
    }

    /// Reads and discards the rest of the stream, checking every trailer.
    pub(crate) fn drain(&mut self) -> Result<(), ArchiveError> {
        loop {
            let n = self.fill_buf()?.len();
            if n == 0 {
                return Ok(());
            }
            self.consume(n);
        }
    }
}

impl Source for GzipStream<'_> {
    fn fill_buf(&mut self) -> Result<&[u8], ArchiveError> {
        if self.start == self.end && !self.refill()? {
            return Ok(&[]);
        }
        Ok(&self.buf[self.start..self.end])
    }

    fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }
}

/// Decompresses a whole gzip stream (all members, checking every CRC and size), refusing to
/// produce more than `limit` bytes. Mirrors Go's `gzip.NewReader` + `io.ReadAll`; used to hash
/// or inspect archives.
pub fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, ArchiveError> {
    let mut stream = GzipStream::new(bytes, limit)?;
    let mut out = Vec::with_capacity(
        bytes.len().saturating_mul(4).min(usize::try_from(limit).unwrap_or(usize::MAX)).min(64 << 20),
    );
    loop {
        let chunk = stream.fill_buf()?;
        if chunk.is_empty() {
            return Ok(out);
        }
        out.extend_from_slice(chunk);
        let n = chunk.len();
        stream.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::gzip_helm;

    #[track_caller]
    fn check(input: &[u8], want: Result<&[u8], ArchiveError>) {
        assert_eq!(gunzip(input, 1 << 20).as_deref().map_err(Clone::clone), want, "input {input:02x?}");
    }

    /// Minimal member: header with the given flags/fields, stored DEFLATE block, trailer.
    fn member(flags: u8, fields: &[u8], data: &[u8]) -> Vec<u8> {
        let mut m = vec![0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 0xff];
        m.extend_from_slice(fields);
        let len = data.len() as u16;
        m.push(1);
        m.extend_from_slice(&len.to_le_bytes());
        m.extend_from_slice(&(!len).to_le_bytes());
        m.extend_from_slice(data);
        let mut crc = Crc::new();
        crc.update(data);
        m.extend_from_slice(&crc.sum().to_le_bytes());
        m.extend_from_slice(&(data.len() as u32).to_le_bytes());
        m
    }

    #[test]
    fn headers_and_members() {
        check(&member(0, b"", b"abc"), Ok(b"abc"));
        check(&member(FNAME | FCOMMENT, b"n.tar\0Helm\0", b"abc"), Ok(b"abc"));
        // FEXTRA contents are not validated (helm's own archives violate the sub-field format).
        check(&member(FEXTRA, b"\x03\x00xyz", b"abc"), Ok(b"abc"));
        // Multistream: members are concatenated.
        check(&[member(0, b"", b"ab"), member(0, b"", b"cd")].concat(), Ok(b"abcd"));
        // Reserved flag bits are ignored, as in Go.
        check(&member(0xe0, b"", b"x"), Ok(b"x"));
        let gz = gzip_helm(b"some tar bytes");
        check(&gz, Ok(b"some tar bytes"));
    }

    #[test]
    fn header_crc() {
        let mut m = member(FHCRC, b"\0\0", b"x");
        let mut crc = Crc::new();
        crc.update(&m[..10]);
        let sum = (crc.sum() & 0xffff) as u16;
        m[10..12].copy_from_slice(&sum.to_le_bytes());
        check(&m, Ok(b"x"));
        m[10] ^= 1;
        check(&m, Err(ArchiveError::GzipHeader { name: None }));
    }

    #[test]
    fn go_errors() {
        check(b"", Err(ArchiveError::Empty));
        check(b"\x1f\x8b\x08", Err(ArchiveError::UnexpectedEof));
        check(b"\x1f\x8b\x09\0\0\0\0\0\0\0", Err(ArchiveError::GzipHeader { name: None }));
        check(b"PK\x03\x04\0\0\0\0\0\0", Err(ArchiveError::GzipHeader { name: None }));
        let good = member(0, b"", b"abc");
        // Truncated anywhere: in the data or in the trailer.
        for cut in 10..good.len() {
            check(&good[..cut], Err(ArchiveError::UnexpectedEof));
        }
        let mut bad_crc = good.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 1;
        check(&bad_crc, Err(ArchiveError::GzipChecksum));
        let mut bad_size = good.clone();
        bad_size[n - 1] ^= 1;
        check(&bad_size, Err(ArchiveError::GzipChecksum));
        // Trailing bytes must form another member.
        check(&[good.clone(), vec![0; 10]].concat(), Err(ArchiveError::GzipHeader { name: None }));
        check(&[good.clone(), vec![0x1f]].concat(), Err(ArchiveError::UnexpectedEof));
        // Name longer than Go's 512-byte buffer.
        let long = [vec![b'n'; 600], vec![0]].concat();
        check(&member(FNAME, &long, b"x"), Err(ArchiveError::GzipHeader { name: None }));
        let ok_name = [vec![b'n'; 511], vec![0]].concat();
        check(&member(FNAME, &ok_name, b"x"), Ok(b"x"));
        // Invalid block type 3.
        check(b"\x1f\x8b\x08\0\0\0\0\0\0\xff\x07\0\0\0\0\0\0\0\0", Err(ArchiveError::Deflate { offset: 1 }));
    }

    #[test]
    fn limit_is_enforced() {
        let gz = gzip_helm(&vec![0u8; 100_000]);
        assert_eq!(gunzip(&gz, 100_000).map(|v| v.len()), Ok(100_000));
        assert_eq!(gunzip(&gz, 99_999), Err(ArchiveError::StreamTooLarge { limit: 99_999 }));
    }
}
