package store

import (
	"strings"
	"testing"
)

// BenchmarkIndexOf computes the lookup HMAC of an email address, as the
// writer does several times a report.
func BenchmarkIndexOf(b *testing.B) {
	k, err := deriveKeys(testKey)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		k.indexOf(IndexEmail, "Nguyen.Van.An@Example.com")
	}
}

// BenchmarkSeal seals and opens a mail's data (2 KB of JSON) bound to its
// row, as the writer seals it and the mailer opens it.
func BenchmarkSeal(b *testing.B) {
	k, err := deriveKeys(testKey)
	if err != nil {
		b.Fatal(err)
	}
	value := strings.Repeat(`{"code":"PA-2026-000001","text":"Khu vực ấp 3 bị cúp điện."}`, 32)
	b.ReportAllocs()
	for b.Loop() {
		sealed := k.seal("outbox", "data", 123456, value)
		if v, err := k.open("outbox", "data", 123456, sealed); err != nil || v != value {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexOfContent computes the lookup HMAC of a report's text (a
// kilobyte, spaced as people write), as the writer does once a report for
// the duplicate check.
func BenchmarkIndexOfContent(b *testing.B) {
	k, err := deriveKeys(testKey)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("Khu vực ấp 3,  xã Vị Đông\r\nbị cúp điện từ sáng. ", 20)
	b.ReportAllocs()
	for b.Loop() {
		k.indexOf(IndexContent, text)
	}
}
