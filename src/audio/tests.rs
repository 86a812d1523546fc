//! The probe against files built here byte by byte, after each format's specification.

use super::*;
use crc::{Crc, CRC_16_UMTS, CRC_8_SMBUS};

fn be(n: u32) -> [u8; 4] {
    n.to_be_bytes()
}

/// Writes `bytes` to a file named `name` in a fresh directory; returns its length.
fn length_of(name: &str, bytes: &[u8]) -> Option<f64> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    duration(&path).map(|d| d.as_secs_f64())
}

fn assert_secs(got: Option<f64>, want: f64) {
    let got = got.expect("a length");
    assert!((got - want).abs() < 0.01, "got {got} s, want {want} s");
}

/// A 16-bit mono PCM WAV of `frames` silent frames at `rate` Hz.
fn wav(rate: u32, frames: u32) -> Vec<u8> {
    let data = frames * 2;
    let mut v = [b"RIFF".as_slice(), &(36 + data).to_le_bytes(), b"WAVEfmt "].concat();
    v.extend(16u32.to_le_bytes());
    v.extend([1u16, 1].iter().flat_map(|n| n.to_le_bytes())); // PCM, mono
    v.extend(rate.to_le_bytes());
    v.extend((rate * 2).to_le_bytes()); // bytes a second
    v.extend([2u16, 16].iter().flat_map(|n| n.to_le_bytes())); // block align, bits
    v.extend(b"data");
    v.extend(data.to_le_bytes());
    v.resize(v.len() + data as usize, 0);
    v
}

/// One silent MPEG-1 Layer III frame, 48 kHz mono (1,152 samples = 24 ms), at `kbps`.
fn mp3_frame(kbps: u32) -> Vec<u8> {
    let index = [
        32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ]
    .iter()
    .position(|&k| k == kbps)
    .unwrap() as u8
        + 1;
    // Sync, MPEG-1, Layer III, no CRC; bitrate, 48 kHz, no padding; mono.
    let mut frame = vec![0xFF, 0xFB, index << 4 | 0b0100, 0xC0];
    frame.resize((144 * kbps * 1000 / 48_000) as usize, 0);
    frame
}

/// A first frame carrying a Xing (VBR) or Info (CBR) header that counts `frames` MPEG frames.
fn xing_frame(id: &[u8; 4], frames: u32) -> Vec<u8> {
    let mut frame = mp3_frame(128);
    // After the 4-byte header and 17 bytes of (zeroed) mono side information.
    let tag = [id.as_slice(), &be(1), &be(frames)].concat();
    frame[21..21 + tag.len()].copy_from_slice(&tag);
    frame
}

/// An ID3v2.3 tag holding a title.
fn id3v2() -> Vec<u8> {
    let title = [b"TIT2".as_slice(), &be(6), &[0, 0, 0], b"Song\0"].concat();
    let size = title.len() as u8; // syncsafe: fits in one byte here
    [b"ID3\x03\x00\x00\x00\x00\x00".as_slice(), &[size], &title].concat()
}

/// A 16-bit mono 44.1 kHz FLAC whose STREAMINFO counts `samples`, followed by one frame of
/// 4,096 samples of a constant subframe.
fn flac(samples: u64) -> Vec<u8> {
    let mut v = b"fLaC\x80\x00\x00\x22".to_vec(); // last block: STREAMINFO, 34 bytes
    v.extend([0x10, 0x00, 0x10, 0x00]); // block sizes 4096..4096
    v.extend([0; 6]); // frame sizes unknown
    let packed = 44_100u64 << 44 | 15 << 36 | samples; // rate, 1 channel, 16 bits, samples
    v.extend(packed.to_be_bytes());
    v.extend([0; 16]); // MD5 unknown
                       // Fixed blocking; 4096 samples, 44.1 kHz; mono, 16 bits; frame number 0.
    let mut frame = vec![0xFF, 0xF8, 0xC9, 0x08, 0x00];
    frame.push(Crc::<u8>::new(&CRC_8_SMBUS).checksum(&frame));
    frame.extend([0x00, 0x00, 0x00]); // constant subframe of value 0
    frame.extend(Crc::<u16>::new(&CRC_16_UMTS).checksum(&frame).to_be_bytes());
    v.extend(frame);
    v
}

/// An ISO box: size, type, body.
fn bx(kind: &[u8; 4], parts: &[&[u8]]) -> Vec<u8> {
    let body = parts.concat();
    [&be(8 + body.len() as u32), kind.as_slice(), &body].concat()
}

/// An M4A whose one AAC track holds `packets` packets of 1,024 samples at 48 kHz, and an
/// empty mdat.
fn m4a(packets: u32) -> Vec<u8> {
    let media = packets * 1024;
    let full = [0u8; 4]; // version 0, no flags
    let mvhd = bx(
        b"mvhd",
        &[&full, &[0; 8], &be(1000), &be(media / 48), &[0; 80]],
    );
    let tkhd = bx(
        b"tkhd",
        &[&be(7), &[0; 8], &be(1), &[0; 4], &be(media / 48), &[0; 60]],
    );
    let mdhd = bx(b"mdhd", &[&full, &[0; 8], &be(48_000), &be(media), &[0; 4]]);
    let hdlr = bx(b"hdlr", &[&full, &[0; 4], b"soun", &[0; 12], b"Sound\0"]);
    let mp4a = bx(
        b"mp4a",
        &[
            &[0; 6],
            &[0, 1],
            &[0; 8],
            &[0, 2, 0, 16],
            &[0; 4],
            &be(48_000 << 16),
        ],
    );
    let stbl = bx(
        b"stbl",
        &[
            &bx(b"stsd", &[&full, &be(1), &mp4a]),
            &bx(b"stts", &[&full, &be(1), &be(packets), &be(1024)]),
            &bx(b"stsc", &[&full, &be(1), &be(1), &be(packets), &be(1)]),
            &bx(b"stsz", &[&full, &be(1), &be(packets)]),
            &bx(b"stco", &[&full, &be(1), &be(0)]),
        ],
    );
    let minf = bx(b"minf", &[&bx(b"smhd", &[&full, &[0; 4]]), &stbl]);
    let trak = bx(b"trak", &[&tkhd, &bx(b"mdia", &[&mdhd, &hdlr, &minf])]);
    let ftyp = bx(b"ftyp", &[b"M4A ", &be(0), b"M4A isom"]);
    [ftyp, bx(b"moov", &[&mvhd, &trak]), bx(b"mdat", &[])].concat()
}

#[test]
fn a_wav_length_comes_from_its_data_chunk() {
    assert_secs(length_of("a.wav", &wav(8000, 20_000)), 2.5);
}

#[test]
fn an_mp3_xing_or_info_header_gives_the_length_without_walking_the_frames() {
    for id in [b"Xing", b"Info"] {
        // The header counts 250 frames (6 s) though only 10 follow: the header is what is read.
        let mut bytes = xing_frame(id, 250);
        (0..10).for_each(|_| bytes.extend(mp3_frame(128)));
        assert_secs(length_of("x.mp3", &bytes), 6.0);
    }
}

#[test]
fn an_mp3_without_a_header_has_its_frames_counted() {
    // Variable bitrate: an estimate from the first frames' bitrate would say about 0.7 s.
    let mut bytes = id3v2();
    (0..20).for_each(|_| bytes.extend(mp3_frame(320)));
    (0..105).for_each(|_| bytes.extend(mp3_frame(32)));
    assert_secs(length_of("vbr.mp3", &bytes), 125.0 * 0.024);
}

#[test]
fn a_flac_length_comes_from_streaminfo() {
    assert_secs(length_of("a.flac", &flac(44_100 * 5)), 5.0);
}

#[test]
fn an_m4a_length_comes_from_its_track() {
    assert_secs(length_of("a.m4a", &m4a(375)), 8.0);
}

#[test]
fn unreadable_files_have_no_length() {
    let cut = &wav(8000, 20_000)[..30];
    let rows: [(&str, &[u8]); 4] = [
        ("cut.wav", cut),
        (
            "notes.mp3",
            b"these are not the droids you are looking for\n",
        ),
        ("empty.flac", b""),
        ("cut.flac", &flac(44_100)[..20]),
    ];
    for (name, bytes) in rows {
        assert_eq!(length_of(name, bytes), None, "{name}");
    }
    assert_eq!(duration(Path::new("/no/such/file.mp3")), None);
}

#[test]
fn the_tip_is_for_songs_over_ninety_seconds() {
    let rows = [
        (0.0, false),
        (45.0, false),
        (90.0, false),
        (90.5, true),
        (240.0, true),
        (f64::NAN, false),
    ];
    for (seconds, want) in rows {
        assert_eq!(needs_length_tip(seconds), want, "{seconds}");
    }
}
