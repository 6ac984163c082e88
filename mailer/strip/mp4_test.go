package strip

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

// identifying is what the sample videos say of where and by whom they
// were taken, as their metadata writes it.
var identifying = []string{"Apple", "iPhone", "Nguyen", "ISO6709", "+09.78", "+9.78", "105.47", "\xa9xyz",
	"loci", "XMP", "2026", "android"}

// TestStripMP4Samples strips videos whose metadata exiftool or ffmpeg
// wrote as phones write it — an iPhone's MOV with its mdta keys (location
// ISO 6709, make, model, software, creation date), XMP and creation times,
// its movie box before or, as an iPhone writes it, after the media data;
// an Android MP4 with its GPS position (©xyz) and mdta keys: every
// metadata box becomes padding, the times zero, and nothing else changes.
func TestStripMP4Samples(t *testing.T) {
	for _, tc := range []struct {
		file  string
		freed []string // the boxes that become padding
	}{
		{"iphone.mov", []string{"moov/udta", "moov/meta"}},
		{"iphone-order.mov", []string{"wide", "moov/udta"}},
		{"android.mp4", []string{"moov/udta", "moov/meta"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in, err := os.ReadFile("testdata/iso/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			out := stripWith(t, func(w *bytes.Buffer) error { return MP4(w, bytes.NewReader(in)) })
			var changed [][2]int
			before := isoTree(t, in)
			for _, n := range before {
				for _, f := range tc.freed {
					if n.path == f {
						changed = append(changed, [2]int{n.at + 4, n.at + 8 + len(n.payload)})
					}
				}
				if isoTimes[n.path[strings.LastIndexByte(n.path, '/')+1:]] {
					changed = append(changed, [2]int{n.at + 12, n.at + 20})
				}
			}
			sameOutside(t, in, out, changed...)
			keptBoxes(t, out)
			for _, leak := range identifying {
				if bytes.Contains(out, []byte(leak)) {
					t.Errorf("%q is still in the file", leak)
				}
			}
			for _, path := range []string{"moov/mvhd", "moov/trak/tkhd", "moov/trak/mdia/mdhd"} {
				for _, p := range isoFind(t, out, path) {
					if binary.BigEndian.Uint64(p[4:12]) != 0 {
						t.Errorf("%s keeps its times: %x", path, p[4:12])
					}
				}
			}
		})
	}
}

// buildMOV builds a MOV in the shape an iPhone writes it: brand qt, a wide
// box, the media data, then the movie box — its header, a video, a sound
// and a timed metadata (mebx) track under the keys mebxKeys, and the
// movie's metadata (meta, not a full box in QuickTime: its handler mdta,
// keys and their values in ilst).
func buildMOV(mebxKeys ...string) []byte {
	ftyp := isoBox("ftyp", []byte("qt  "), be32(0), []byte("qt  "))
	mdat := isoBox("mdat", bytes.Repeat([]byte{0x65}, 1000))
	times := be32(0xE0000000) // creation, modification: 2023
	mvhd := fullBox("mvhd", 0, times, times, be32(600), be32(600), make([]byte, 80))
	track := func(handler string, entry []byte) []byte {
		return isoBox("trak", fullBox("tkhd", 0, times, times, make([]byte, 72)),
			isoBox("mdia", fullBox("mdhd", 0, times, times, be32(600), be32(600), be32(0)),
				fullBox("hdlr", 0, []byte("mhlr"), []byte(handler), make([]byte, 12), []byte("\x10Core Media Data")),
				isoBox("minf", isoBox("stbl", fullBox("stsd", 0, be32(1), entry),
					fullBox("stco", 0, be32(1), be32(28))))))
	}
	var keys [][]byte
	for i, k := range mebxKeys {
		keys = append(keys, isoBox(string(be32(i+1)), isoBox("keyd", []byte("mdta"), []byte(k)), isoBox("dtyp", be32(0), be32(1))))
	}
	mebx := isoBox("mebx", make([]byte, 6), be16(1), isoBox("keys", keys...))
	item := func(i int, value string) []byte {
		return isoBox(string(be32(i)), isoBox("data", be32(1), be32(0), []byte(value)))
	}
	moovMeta := isoBox("meta",
		fullBox("hdlr", 0, be32(0), []byte("mdta"), make([]byte, 12), []byte{0}),
		fullBox("keys", 0, be32(5),
			keyEntry("com.apple.quicktime.location.ISO6709"), keyEntry("com.apple.quicktime.make"),
			keyEntry("com.apple.quicktime.model"), keyEntry("com.apple.quicktime.software"),
			keyEntry("com.apple.quicktime.creationdate")),
		isoBox("ilst", item(1, "+09.7845+105.4701+003.200/"), item(2, "Apple"), item(3, "iPhone 13 Pro"),
			item(4, "17.1"), item(5, "2026-03-14T08:30:00+0700")))
	moov := isoBox("moov", mvhd,
		track("vide", isoBox("hvc1", make([]byte, 78))),
		track("soun", isoBox("mp4a", make([]byte, 28))),
		track("meta", mebx),
		moovMeta)
	return bytes.Join([][]byte{ftyp, isoBox("wide"), mdat, moov}, nil)
}

// keyEntry is an entry of QuickTime's keys box: size, namespace, key.
func keyEntry(key string) []byte {
	return append(append(be32(8+len(key)), "mdta"...), key...)
}

// TestStripMOViPhone strips a MOV in an iPhone's shape (its movie box
// after the media data): the movie's metadata becomes padding, its
// still-image-time track stays, and the media data does not change.
func TestStripMOViPhone(t *testing.T) {
	in := buildMOV("com.apple.quicktime.still-image-time")
	out := stripWith(t, func(w *bytes.Buffer) error { return MP4(w, bytes.NewReader(in)) })
	keptBoxes(t, out)
	if len(out) != len(in) || !bytes.Equal(isoFind(t, out, "mdat")[0], isoFind(t, in, "mdat")[0]) {
		t.Fatal("the media data moved or changed")
	}
	for _, leak := range identifying {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
	if got := len(isoFind(t, out, "moov/trak/mdia/minf/stbl/stsd")); got != 3 {
		t.Errorf("%d tracks' sample descriptions, want 3", got)
	}
	if !bytes.Contains(out, []byte("still-image-time")) {
		t.Errorf("the metadata track's description is gone")
	}
}

// TestStripMP4Refuses: a video whose metadata cannot be overwritten in
// place — samples of timed metadata or subtitles that may hold a position,
// a compressed movie box, media in another file — or that is not one box
// by box is refused (and stays at the Center).
func TestStripMP4Refuses(t *testing.T) {
	good, err := os.ReadFile("testdata/iso/android.mp4")
	if err != nil {
		t.Fatal(err)
	}
	gopro := bytes.Replace(buildMOV("x"), []byte("mebx"), []byte("gpmd"), 1)
	camm := bytes.Replace(buildMOV("x"), []byte("mhlrmeta"), []byte("mhlrcamm"), 1)
	subtitles := bytes.Replace(buildMOV("x"), []byte("mhlrmeta"), []byte("mhlrsbtl"), 1)
	untyped := bytes.Replace(buildMOV("x"), []byte("hdlr\x00\x00\x00\x00mhlrvide"), []byte("free\x00\x00\x00\x00mhlrvide"), 1)
	cmov := bytes.Replace(buildMOV("x"), []byte("mvhd"), []byte("cmov"), 1)
	alias := bytes.Clone(good)
	alias[bytes.Index(alias, []byte("url "))+7] = 0 // not self-contained: in another file
	overrun := bytes.Clone(good)
	binary.BigEndian.PutUint32(overrun[48:], 0xFFFF) // mvhd, past moov's end
	for name, in := range map[string][]byte{
		"empty":                   nil,
		"a WebP":                  []byte("RIFF\x04\x00\x00\x00WEBP"),
		"cut short":               good[:len(good)-7],
		"a box over its parent":   overrun,
		"an Apple location track": buildMOV("com.apple.quicktime.location.ISO6709"),
		"a GoPro GPS track":       gopro,
		"a camera motion track":   camm,
		"a dashcam's subtitles":   subtitles,
		"a track of no type":      untyped,
		"a compressed movie":      cmov,
		"media in another file":   alias,
		"a trailer after the end": append(bytes.Clone(good), "SEFT\x00\x00"...),
	} {
		if err := MP4(&bytes.Buffer{}, bytes.NewReader(in)); err != ErrNotMP4 {
			t.Errorf("%s: %v, want ErrNotMP4", name, err)
		}
	}
}

// TestStripMP4Padding: padding (free, skip, wide) and the boxes of cameras
// that no player needs, at the top of the file or in the movie box, come
// out as padding holding zeros, whatever they held.
func TestStripMP4Padding(t *testing.T) {
	in := buildMOV()
	moov := bytes.Index(in, []byte("moov")) - 4
	in = bytes.Join([][]byte{in[:moov], isoBox("skip", []byte("$GPRMC,083000,A,0947.07,N,10528.20,E")),
		isoBox("sefd", []byte("SEFHNguyen")), in[moov:], isoBox("free", []byte("udta\xa9xyz+09.78"))}, nil)
	// A dashcam's log in the movie box, after its header.
	mvhd := bytes.Index(in, []byte("mvhd")) - 4
	gps := isoBox("gps ", []byte("N09.7845E105.4701"))
	in = bytes.Join([][]byte{in[:mvhd], gps, in[mvhd:]}, nil)
	moov = bytes.Index(in, []byte("moov")) - 4
	size := int(binary.BigEndian.Uint32(in[moov:]))
	binary.BigEndian.PutUint32(in[moov:], uint32(size+len(gps)))
	out := stripWith(t, func(w *bytes.Buffer) error { return MP4(w, bytes.NewReader(in)) })
	keptBoxes(t, out)
	want := "ftyp free mdat free free moov moov/free moov/mvhd"
	if got := strings.Join(isoPaths(t, out)[:8], " "); got != want {
		t.Errorf("boxes %s, want %s", got, want)
	}
	for _, leak := range []string{"GPRMC", "SEFH", "Nguyen", "N09.78", "+09.78"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
}
