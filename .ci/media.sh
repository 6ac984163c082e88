#!/usr/bin/env bash
# Checks mailer/strip against the tools that read and play photos and
# videos: exiftool, ffmpeg and libheif (installed with apt-get). It makes
# samples in the shapes phones write — an iPhone's HEIC with an Exif item
# (GPS, camera, owner, time) and XMP, an iPhone's MOV with Apple's mdta
# keys (location ISO 6709, make, model, software, creation date) and XMP,
# its movie box before and after the media data,
# an Android MP4 with its GPS position (©xyz) and mdta keys, an MP4 with
# 3GP's location (loci), an animated GIF with a comment and XMP —, adds the
# repository's samples and the files its tests build, strips them all
# (go test -run TestStripDir ./mailer/strip), then checks that exiftool
# finds none of the original's identifying tags in a stripped file (and
# does in the original, so the check can fail), and that ffmpeg and
# heif-convert decode the stripped file to the original's frames, pixel
# for pixel (framemd5 / PNG).
#
# Usage: bash .ci/media.sh (as root, or with sudo, for apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v exiftool >/dev/null || ! command -v ffmpeg >/dev/null || ! command -v heif-convert >/dev/null; then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libimage-exiftool-perl ffmpeg libheif-examples >/dev/null
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Samples made now, by the tools.
video() { # video OUT FORMAT: 0.4 s of 32×24 H.264 and AAC, no metadata of ffmpeg's own
	ffmpeg -v error -y -f lavfi -i testsrc=size=32x24:rate=5 -f lavfi -i sine=frequency=440:duration=0.4 -t 0.4 \
		-c:v libx264 -preset ultrafast -crf 40 -c:a aac -b:a 16k -fflags +bitexact -map_metadata -1 -f "$2" "$1"
}
video "$dir/plain.mov" mov
exiftool -q -o "$dir/tool-iphone.mov" "-Keys:GPSCoordinates=9.7845, 105.4701, 3.2" -Keys:Make=Apple \
	"-Keys:Model=iPhone 13 Pro" -Keys:Software=17.1 "-Keys:CreationDate=2026:03:14 08:30:00+07:00" \
	"-XMP-dc:Creator=Nguyen Van An" "-QuickTime:CreateDate=2026:03:14 01:30:00" "$dir/plain.mov"
ffmpeg -v error -y -f lavfi -i testsrc=size=32x24:rate=5 -f lavfi -i sine=frequency=440:duration=0.4 -t 0.4 \
	-c:v libx264 -preset ultrafast -crf 40 -c:a aac -b:a 16k -fflags +bitexact -movflags +use_metadata_tags \
	-metadata com.apple.quicktime.location.ISO6709=+09.7845+105.4701+003.200/ -metadata com.apple.quicktime.make=Apple \
	-metadata "com.apple.quicktime.model=iPhone 13 Pro" -metadata com.apple.quicktime.software=17.1 \
	-metadata com.apple.quicktime.creationdate=2026-03-14T08:30:00+0700 -f mov "$dir/tool-ffmpeg-keys.mov" # mdat first
video "$dir/plain.mp4" mp4
exiftool -q -o "$dir/tool-android.mp4" "-UserData:GPSCoordinates=9.7845, 105.4701" -Keys:AndroidVersion=14 "$dir/plain.mp4"
ffmpeg -v error -y -f lavfi -i testsrc=size=32x24:rate=5 -t 0.4 -c:v libx264 -preset ultrafast \
	-metadata location=+09.7845+105.4701/ -metadata title="Nguyen Van An" "$dir/tool-ffmpeg-loci.mp4"
ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 "$dir/src.png"
heif-enc -q 50 -o "$dir/plain.heic" "$dir/src.png" >/dev/null
exiftool -q -o "$dir/tool-iphone.heic" -Make=Apple "-Model=iPhone 13 Pro" -Software=17.1 \
	"-DateTimeOriginal=2026:03:14 08:30:00" -GPSLatitude=9.7845 -GPSLatitudeRef=N -GPSLongitude=105.4701 \
	-GPSLongitudeRef=E "-Artist=Nguyen Van An" "-XMP-dc:Creator=Nguyen Van An" "$dir/plain.heic"
ffmpeg -v error -y -f lavfi -i testsrc=size=24x16:rate=4 -t 0.75 -loop 0 "$dir/plain.gif"
exiftool -q -o "$dir/tool-comment.gif" "-Comment=Nguyen Van An 0912345678" "-XMP-dc:Creator=Nguyen Van An" "$dir/plain.gif"
rm "$dir"/plain.* "$dir/src.png"
# The repository's samples.
cp mailer/strip/testdata/iso/*.heic mailer/strip/testdata/iso/*.mov mailer/strip/testdata/iso/*.mp4 mailer/strip/testdata/gif/*.gif "$dir/"

PHANANH_STRIP_DIR="$dir" go test -count=1 -run '^TestStripDir$' ./mailer/strip >/dev/null

# The tags that say where, when or by whom.
identifying='GPS|Location|Make|Model|Software|Artist|Creator|Comment|CreationDate|AndroidVersion|XMPToolkit|Encoder|Title|DateTimeOriginal|OwnerName'
tags() { exiftool -a -G1 -s "$1" | grep -v '^\[\(ExifTool\|System\|File\)\]' | grep -E "^\[[^]]*\] +($identifying)" | grep -v ': 0000:00:00 00:00:00$' || true; }
failed=0
for orig in "$dir"/*; do
	case "$orig" in *.stripped.* | *.md5 | *.png) continue ;; esac
	was=$failed
	failed=0
	name=$(basename "$orig")
	stripped="${orig%.*}.stripped.${orig##*.}"
	if [ -z "$(tags "$orig")" ]; then
		echo "media: $name: exiftool finds nothing identifying in the original"
		failed=1
	fi
	if left=$(tags "$stripped") && [ -n "$left" ]; then
		echo "media: $name: exiftool still reads, once stripped:"
		echo "$left"
		failed=1
	fi
	case "$name" in built-*) # built by the tests, not playable
		[ "$failed" = 1 ] || echo "media: $name: nothing identifying left"
		failed=$((failed | was))
		continue
		;;
	esac
	case "$name" in
	*.heic)
		heif-convert "$orig" "$dir/a.png" >/dev/null && heif-convert "$stripped" "$dir/b.png" >/dev/null
		ffmpeg -v error -y -i "$dir/a.png" -f framemd5 "$dir/a.md5" && ffmpeg -v error -y -i "$dir/b.png" -f framemd5 "$dir/b.md5"
		;;
	*)
		ffmpeg -v error -y -xerror -i "$orig" -f framemd5 "$dir/a.md5"
		ffmpeg -v error -y -xerror -i "$stripped" -f framemd5 "$dir/b.md5"
		;;
	esac
	if ! cmp -s "$dir/a.md5" "$dir/b.md5"; then
		echo "media: $name: the stripped file does not decode to the original's frames"
		diff "$dir/a.md5" "$dir/b.md5" | head -5
		failed=1
	fi
	[ "$failed" = 1 ] || echo "media: $name: nothing identifying left, the same frames"
	failed=$((failed | was))
done
exit $failed
